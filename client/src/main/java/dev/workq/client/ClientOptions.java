package dev.workq.client;

import dev.workq.protocol.Checks;
import dev.workq.protocol.auth.Authkey;
import dev.workq.protocol.ProtocolVersion;
import dev.workq.protocol.codec.Frames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How a {@link WorkqClient} connects. Immutable; build with {@link #builder()}.
 *
 * <p>Like the {@code workq} command, a builder takes the broker's address and the authkey from the
 * environment when the program does not give them: {@value #ENV_BROKER} ({@code HOST:PORT}, or
 * {@code H1:P1,H2:P2,...} for the nodes of a cluster) and
 * {@value #ENV_AUTHKEY} (the key itself). For each option the order is: what the program sets on
 * the builder, then the environment, then the default ({@value #DEFAULT_HOST}:{@value
 * #DEFAULT_PORT}, no key). The CLI builds its options with this same builder, so a program and the
 * CLI started in the same shell reach the same broker with the same key.
 *
 * <p>Given several brokers (the nodes of a cluster, where only the leader serves), a client dials
 * them in turn and follows a follower's NOT_LEADER redirect to the leader; with {@link #failover()}
 * on (the default for more than one broker) it also replaces a lost connection without its caller
 * noticing: see {@link Builder#failover(boolean)}.
 */
public final class ClientOptions {

  /** Environment variable holding the broker's {@code HOST:PORT} when the program gives none. */
  public static final String ENV_BROKER = "WORKQ_BROKER";
  /** Environment variable holding the authkey when the program gives none: the key itself, less surrounding whitespace. */
  public static final String ENV_AUTHKEY = Authkey.ENV;

  /** Default broker host. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Default broker port. */
  public static final int DEFAULT_PORT = 7070;
  /** Default time to connect and complete the handshake: 10 s. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** Default time a request (put, stats, ...) may wait for the broker's answer: 30 s. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
  /** Default number of submitted tasks a client keeps unconfirmed or unanswered at once in map calls. */
  public static final int DEFAULT_MAX_OUTSTANDING = 1000;
  /** Default longest time between two PINGs: 30 s; less when the broker announces an idle timeout under three times this. */
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(30);
  /** Default longest silence from the broker before the connection counts as lost: 90 s, three default heartbeats. */
  public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(90);
  /** Default time a client in failover mode keeps trying to reach a broker of its list after losing its connection: 30 s. */
  public static final Duration DEFAULT_FAILOVER_TIMEOUT = Duration.ofSeconds(30);

  /** What these options were built from: a copy no one else holds, so they never change. */
  private final Settings values;

  private ClientOptions(Builder b) {
    this.values = b.s.copy();
  }

  /** A builder holding these options, to change a few. */
  public Builder toBuilder() {
    // The options already hold what the environment said when they were built; a second look
    // could only disagree with them.
    Builder b = new Builder(variable -> null);
    b.s = values.copy();
    return b;
  }

  /**
   * A builder with every option at its default, except that the broker's address and the authkey
   * come from {@value #ENV_BROKER} and {@value #ENV_AUTHKEY} when those are set (see the class
   * comment). A malformed variable fails {@link Builder#build()} with a message naming it, unless
   * the program set that option itself.
   */
  public static Builder builder() {
    return new Builder(System::getenv);
  }

  /** {@link #builder()} reading the environment from {@code env}, so tests need not change the real one. */
  static Builder builder(Map<String, String> env) {
    return new Builder(env::get);
  }

  /** The (first) broker's host; default the host of {@value #ENV_BROKER}, else {@value #DEFAULT_HOST}. */
  public String host() {
    return values.brokers.get(0).host();
  }

  /** The (first) broker's port; default the port of {@value #ENV_BROKER}, else {@value #DEFAULT_PORT}. */
  public int port() {
    return values.brokers.get(0).port();
  }

  /**
   * Every broker to try, {@code HOST:PORT} each, in order (one or more; the first is
   * {@link #host()}:{@link #port()}); default those of {@value #ENV_BROKER}, else
   * {@value #DEFAULT_HOST}:{@value #DEFAULT_PORT}. A client starts at the one that last worked and
   * goes around the list within {@link #connectTimeout()}.
   */
  public List<String> brokers() {
    return values.brokers.stream().map(ClientEnvironment.HostPort::toString).toList();
  }

  /**
   * Whether a lost connection is replaced without the caller noticing (see
   * {@link Builder#failover(boolean)}); default true when there is more than one broker.
   */
  public boolean failover() {
    return values.failover != null ? values.failover : values.brokers.size() > 1;
  }

  /**
   * In failover mode, how long the client keeps trying to reach a broker of its list after losing
   * its connection before it fails what waits on it; default 30 s.
   */
  public Duration failoverTimeout() {
    return values.failoverTimeout;
  }

  /** The name the broker shows for this client; default "client". */
  public String name() {
    return values.name;
  }

  /**
   * How long connecting, with the handshake, may take; default 10 s. A broker that turns the
   * connection away while busy (CONNECTION_LIMIT) is tried again, with backoff, within it.
   */
  public Duration connectTimeout() {
    return values.connectTimeout;
  }

  public Duration requestTimeout() {
    return values.requestTimeout;
  }

  /** Tasks a {@code map} call keeps in flight at once; default 1000. */
  public int maxOutstanding() {
    return values.maxOutstanding;
  }

  /** Largest frame accepted from the broker, in bytes; default 16 MiB. */
  public int maxFrame() {
    return values.maxFrame;
  }

  /**
   * Whether a put to a full queue, or to a broker at its memory budget, waits (retrying with
   * backoff, up to the request timeout) instead of failing at once with QUEUE_FULL or
   * MEMORY_LIMIT. Default false.
   */
  public boolean waitWhenQueueFull() {
    return values.waitWhenQueueFull;
  }

  /**
   * The shared secret to prove to the broker, which must prove it back (see {@link Authkey});
   * default the value of {@value #ENV_AUTHKEY} when set, else null, for a broker without a key.
   * A client with a key refuses a broker that does not prove it.
   */
  public byte[] authkey() {
    return values.authkey == null ? null : values.authkey.clone();
  }

  /** Whether to connect with TLS; default false. */
  public boolean tls() {
    return values.tls;
  }

  /** PEM CA certificates the broker's certificate must chain to; null (default) uses the JVM's trust store. */
  public Path tlsCa() {
    return values.tlsCa;
  }

  /** PEM client certificate chain, for brokers that require one (mutual TLS); default none. */
  public Path tlsCert() {
    return values.tlsCert;
  }

  /** PEM (PKCS#8) private key of {@link #tlsCert()}. */
  public Path tlsKey() {
    return values.tlsKey;
  }

  /** Longest time between two PINGs; default 30 s, less when the broker's idle timeout asks for it. */
  public Duration heartbeat() {
    return values.heartbeat;
  }

  /**
   * How long the broker may send nothing at all (no PONG, no answer, no delivery) before the client
   * closes the connection as lost, failing what waits on it; default 90 s. Checked at each PING.
   */
  public Duration heartbeatTimeout() {
    return values.heartbeatTimeout;
  }

  /**
   * The protocol version the client asks for in its HELLO; default {@link ProtocolVersion#CURRENT}
   * (2). Set 1 only to reach a broker older than protocol 2, which refuses a HELLO for 2 with
   * UNSUPPORTED_VERSION.
   */
  public int protocolVersion() {
    return values.protocolVersion;
  }

  /**
   * Every option's value, one field each: what a builder fills in and what built options hold (a
   * copy of it, so they never change). A shallow copy is enough: the lists in it are immutable and
   * the key is never changed in place.
   */
  private static final class Settings implements Cloneable {
    List<ClientEnvironment.HostPort> brokers = List.of(new ClientEnvironment.HostPort(DEFAULT_HOST, DEFAULT_PORT));
    String name = "client";
    Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    int maxOutstanding = DEFAULT_MAX_OUTSTANDING;
    int maxFrame = Frames.DEFAULT_MAX_FRAME;
    boolean waitWhenQueueFull;
    byte[] authkey;
    boolean tls;
    Path tlsCa;
    Path tlsCert;
    Path tlsKey;
    Duration heartbeat = DEFAULT_HEARTBEAT;
    Duration heartbeatTimeout = DEFAULT_HEARTBEAT_TIMEOUT;
    int protocolVersion = ProtocolVersion.CURRENT;
    /** Null: on iff there is more than one broker. */
    Boolean failover;
    Duration failoverTimeout = DEFAULT_FAILOVER_TIMEOUT;

    Settings copy() {
      try {
        return (Settings) clone();
      } catch (CloneNotSupportedException e) {
        throw new AssertionError(e);
      }
    }
  }

  /** Builds {@link ClientOptions}; every setter checks its argument. */
  public static final class Builder {
    private Settings s = new Settings();
    /** Why {@value ClientOptions#ENV_BROKER} is unusable; reported by build() unless the program set host and port. */
    private String brokerEnvError;
    /** Why {@value ClientOptions#ENV_AUTHKEY} is unusable; reported by build() unless the program set the key. */
    private String authkeyEnvError;
    private boolean hostSet;
    private boolean portSet;

    private Builder(Function<String, String> env) {
      // The environment fills in defaults now; setters called later simply replace them. A bad
      // variable is held back, not thrown: a program that sets the option itself must not fail
      // because of a variable it overrides.
      ClientEnvironment found = ClientEnvironment.read(env);
      if (found.address() != null) {
        s.brokers = found.address();
      }
      s.authkey = found.authkey();
      this.brokerEnvError = found.brokerError();
      this.authkeyEnvError = found.authkeyError();
    }

    /**
     * The shared secret (see {@link ClientOptions#authkey()}), used as given: a key read from a
     * file should come through {@link #authkeyFile(Path)}, which drops the trailing newline. Null
     * for no key, whatever {@value ClientOptions#ENV_AUTHKEY} says.
     */
    public Builder authkey(byte[] authkey) {
      if (authkey != null && authkey.length == 0) {
        throw new IllegalArgumentException("authkey must not be empty");
      }
      s.authkey = authkey == null ? null : authkey.clone();
      this.authkeyEnvError = null;
      return this;
    }

    /**
     * Reads the shared secret from {@code file} exactly as {@code workq --authkey-file} does: its
     * bytes less trailing whitespace (the newline an editor or {@code echo} adds), refusing a
     * missing, empty or over-long file and, on POSIX systems, one that other users can read.
     *
     * @throws IllegalArgumentException naming the file when the key cannot be used
     */
    public Builder authkeyFile(Path file) {
      if (file == null) {
        throw new IllegalArgumentException("authkeyFile must not be null (use authkey(null) for no key)");
      }
      return authkey(Authkey.readFile(file));
    }

    /** Connects with TLS, verifying the broker's certificate and host name. */
    public Builder tls(boolean tls) {
      s.tls = tls;
      return this;
    }

    /** Trusts these PEM CAs for the broker's certificate (implies TLS); null for the JVM's trust store. */
    public Builder tlsCa(Path ca) {
      s.tlsCa = ca;
      if (ca != null) {
        s.tls = true;
      }
      return this;
    }

    /** Presents this PEM certificate chain and PEM (PKCS#8) key to the broker (implies TLS); nulls for none. */
    public Builder tlsClientCert(Path cert, Path key) {
      if ((cert == null) != (key == null)) {
        throw new IllegalArgumentException("a client certificate needs both the certificate and the key, got " + cert + " and " + key);
      }
      s.tlsCert = cert;
      s.tlsKey = key;
      if (cert != null) {
        s.tls = true;
      }
      return this;
    }

    /** See {@link ClientOptions#heartbeat()}; at least 10 ms. */
    public Builder heartbeat(Duration heartbeat) {
      if (heartbeat == null || heartbeat.toMillis() < 10) {
        throw new IllegalArgumentException("heartbeat must be at least 10 ms, got " + heartbeat);
      }
      s.heartbeat = heartbeat;
      return this;
    }

    /** See {@link ClientOptions#protocolVersion()}: {@value ProtocolVersion#OLDEST} to {@value ProtocolVersion#CURRENT}. */
    public Builder protocolVersion(int version) {
      if (!ProtocolVersion.isSupported(version)) {
        throw new IllegalArgumentException("protocolVersion must be " + ProtocolVersion.OLDEST + ".." + ProtocolVersion.CURRENT
            + ", got " + version);
      }
      s.protocolVersion = version;
      return this;
    }

    /** See {@link ClientOptions#heartbeatTimeout()}; at least 10 ms. */
    public Builder heartbeatTimeout(Duration timeout) {
      if (timeout == null || timeout.toMillis() < 10) {
        throw new IllegalArgumentException("heartbeatTimeout must be at least 10 ms, got " + timeout);
      }
      s.heartbeatTimeout = timeout;
      return this;
    }

    public Builder waitWhenQueueFull(boolean wait) {
      s.waitWhenQueueFull = wait;
      return this;
    }

    /** The broker's host; default from {@value ClientOptions#ENV_BROKER}, else {@value ClientOptions#DEFAULT_HOST}. */
    public Builder host(String host) {
      setHost(host);
      hostSet = true;
      return this;
    }

    /** The broker's port; default from {@value ClientOptions#ENV_BROKER}, else {@value ClientOptions#DEFAULT_PORT}. */
    public Builder port(int port) {
      setPort(port);
      portSet = true;
      return this;
    }

    /** One broker, at {@code host} and the first broker's port: setting a host or a port leaves a single broker. */
    private void setHost(String host) {
      Checks.notBlank("host", host);
      s.brokers = List.of(new ClientEnvironment.HostPort(host, s.brokers.get(0).port()));
    }

    private void setPort(int port) {
      Checks.range("port", port, 1, 65535);
      s.brokers = List.of(new ClientEnvironment.HostPort(s.brokers.get(0).host(), port));
    }

    /**
     * Parses {@code HOST:PORT} ({@code [::1]:7070} for an IPv6 literal), or a comma-separated list
     * of them, {@code H1:P1,H2:P2,H3:P3}, for the nodes of a cluster (see
     * {@link ClientOptions#brokers()}); default {@value ClientOptions#ENV_BROKER}, else
     * {@value ClientOptions#DEFAULT_HOST}:{@value ClientOptions#DEFAULT_PORT}.
     *
     * @throws IllegalArgumentException naming the bad entry (and its place in the list)
     */
    public Builder address(String hostPort) {
      return setBrokers(ClientEnvironment.parseAddresses(hostPort));
    }

    /** As {@link #address(String)} with a list: each entry {@code HOST:PORT}, at least one, none twice. */
    public Builder brokers(List<String> brokers) {
      if (brokers == null || brokers.isEmpty()) {
        throw new IllegalArgumentException("brokers must name at least one HOST:PORT, got " + brokers);
      }
      for (String b : brokers) {
        if (b == null || b.indexOf(',') >= 0) {
          throw new IllegalArgumentException("brokers: each entry must be one HOST:PORT, got '" + b + "'");
        }
      }
      return setBrokers(ClientEnvironment.parseAddresses(String.join(",", brokers)));
    }

    private Builder setBrokers(List<ClientEnvironment.HostPort> parsed) {
      s.brokers = parsed;
      hostSet = true;
      portSet = true;
      return this;
    }

    /**
     * Whether a lost connection is replaced without the caller noticing; default: on iff there is
     * more than one broker. In failover mode the client gives every PUT an id of its own choosing
     * (unless the caller gave one) and, when its connection drops, dials the list again (see
     * {@link #connectTimeout}), resends what was unanswered (the broker answers a PUT whose id it
     * already holds with that id and queues nothing, so nothing is queued twice), re-opens every
     * subscription into the same listener and drops settlements of the deliveries the old
     * connection made (the broker gave them back to the queue). It gives up, failing what waits,
     * once no broker answered within {@link #failoverTimeout}. Off, a lost connection fails every
     * pending call, as with a single broker.
     */
    public Builder failover(boolean failover) {
      s.failover = failover;
      return this;
    }

    /** See {@link ClientOptions#failoverTimeout()}; positive. */
    public Builder failoverTimeout(Duration timeout) {
      Checks.positive("failoverTimeout", timeout);
      s.failoverTimeout = timeout;
      return this;
    }

    public Builder name(String name) {
      Checks.notBlank("name", name);
      s.name = name;
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      Checks.positive("connectTimeout", timeout);
      s.connectTimeout = timeout;
      return this;
    }

    public Builder requestTimeout(Duration timeout) {
      Checks.positive("requestTimeout", timeout);
      s.requestTimeout = timeout;
      return this;
    }

    public Builder maxOutstanding(int maxOutstanding) {
      Checks.atLeast("maxOutstanding", maxOutstanding, 1);
      s.maxOutstanding = maxOutstanding;
      return this;
    }

    public Builder maxFrame(int maxFrame) {
      Checks.atLeast("maxFrame", maxFrame, 1024, "bytes");
      s.maxFrame = maxFrame;
      return this;
    }

    /**
     * The options.
     *
     * @throws IllegalArgumentException naming the variable when {@value ClientOptions#ENV_BROKER}
     *     or {@value ClientOptions#ENV_AUTHKEY} is malformed and the program did not set that option
     */
    public ClientOptions build() {
      if (brokerEnvError != null && !(hostSet && portSet)) {
        throw new IllegalArgumentException(brokerEnvError);
      }
      if (authkeyEnvError != null) {
        throw new IllegalArgumentException(authkeyEnvError);
      }
      return new ClientOptions(this);
    }
  }
}
