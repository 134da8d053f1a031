package dev.workq.client;

import dev.workq.protocol.Role;
import dev.workq.protocol.auth.Authkey;
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
 * environment when the program does not give them: {@value #ENV_BROKER} ({@code HOST:PORT}) and
 * {@value #ENV_AUTHKEY} (the key itself). For each option the order is: what the program sets on
 * the builder, then the environment, then the default ({@value #DEFAULT_HOST}:{@value
 * #DEFAULT_PORT}, no key). The CLI builds its options with this same builder, so a program and the
 * CLI started in the same shell reach the same broker with the same key.
 */
public final class ClientOptions {

  /** Environment variable holding the broker's {@code HOST:PORT} when the program gives none. */
  public static final String ENV_BROKER = "WORKQ_BROKER";
  /**
   * Environment variable holding the authkey when the program gives none: the key itself, less
   * surrounding whitespace (see {@link Authkey#ENV}).
   */
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
  /** Default prefetch of the consumer that collects this client's results. */
  public static final int DEFAULT_RESULT_PREFETCH = 1024;
  /**
   * Default longest time between two PINGs to the broker: 30 s. A client pings more often when the
   * broker announces an idle timeout under three times this.
   */
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(30);

  private final String host;
  private final int port;
  private final String name;
  private final Role role;
  private final List<String> handlers;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final int maxOutstanding;
  private final int maxFrame;
  private final boolean waitWhenQueueFull;
  private final boolean progress;
  private final byte[] authkey;
  private final boolean tls;
  private final Path tlsCa;
  private final Path tlsCert;
  private final Path tlsKey;
  private final Duration heartbeat;

  private ClientOptions(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.name = b.name;
    this.role = b.role;
    this.handlers = List.copyOf(b.handlers);
    this.connectTimeout = b.connectTimeout;
    this.requestTimeout = b.requestTimeout;
    this.maxOutstanding = b.maxOutstanding;
    this.maxFrame = b.maxFrame;
    this.waitWhenQueueFull = b.waitWhenQueueFull;
    this.progress = b.progress;
    this.authkey = b.authkey;
    this.tls = b.tls;
    this.tlsCa = b.tlsCa;
    this.tlsCert = b.tlsCert;
    this.tlsKey = b.tlsKey;
    this.heartbeat = b.heartbeat;
  }

  /** A builder holding these options, to change a few. */
  public Builder toBuilder() {
    // These options already hold what the environment said when they were built; a second look
    // could only disagree with them.
    Builder b = new Builder(variable -> null);
    b.host = host;
    b.port = port;
    b.name = name;
    b.role = role;
    b.handlers = handlers;
    b.connectTimeout = connectTimeout;
    b.requestTimeout = requestTimeout;
    b.maxOutstanding = maxOutstanding;
    b.maxFrame = maxFrame;
    b.waitWhenQueueFull = waitWhenQueueFull;
    b.progress = progress;
    b.authkey = authkey;
    b.tls = tls;
    b.tlsCa = tlsCa;
    b.tlsCert = tlsCert;
    b.tlsKey = tlsKey;
    b.heartbeat = heartbeat;
    return b;
  }

  /**
   * A builder with every option at its default, except that the broker's address and the authkey
   * come from {@value #ENV_BROKER} and {@value #ENV_AUTHKEY} when those are set (see the class
   * comment). A malformed variable fails {@link Builder#build()} with a message naming it, unless
   * the program set that option itself.
   */
  public static Builder builder() {
    return builder(System::getenv);
  }

  /** {@link #builder()} reading the environment from {@code env}, so tests need not change the real one. */
  static Builder builder(Function<String, String> env) {
    return new Builder(env);
  }

  /** {@link #builder(Function)} over a map of variables. */
  static Builder builder(Map<String, String> env) {
    return new Builder(env::get);
  }

  /**
   * Options for {@code host:port}, everything else default; the authkey comes from
   * {@value #ENV_AUTHKEY} when that is set.
   */
  public static ClientOptions of(String host, int port) {
    return builder().host(host).port(port).build();
  }

  /** The broker's host; default the host of {@value #ENV_BROKER}, else {@value #DEFAULT_HOST}. */
  public String host() {
    return host;
  }

  /** The broker's port; default the port of {@value #ENV_BROKER}, else {@value #DEFAULT_PORT}. */
  public int port() {
    return port;
  }

  /** The name the broker shows for this client; default "client". */
  public String name() {
    return name;
  }

  /** CLIENT, or WORKER for the worker runtime's own connection. */
  public Role role() {
    return role;
  }

  /** Handler names announced by a worker. */
  public List<String> handlers() {
    return handlers;
  }

  /**
   * How long connecting, with the handshake, may take; default 10 s. A broker that turns the
   * connection away while busy (CONNECTION_LIMIT) is tried again, with backoff, within it.
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  public Duration requestTimeout() {
    return requestTimeout;
  }

  /** Tasks a {@code map} call keeps in flight at once; default 1000. */
  public int maxOutstanding() {
    return maxOutstanding;
  }

  /** Largest frame accepted from the broker, in bytes; default 16 MiB. */
  public int maxFrame() {
    return maxFrame;
  }

  /**
   * Whether a put to a full queue, or to a broker at its memory budget, waits (retrying with
   * backoff, up to the request timeout) instead of failing at once with QUEUE_FULL or
   * MEMORY_LIMIT. Default false.
   */
  public boolean waitWhenQueueFull() {
    return waitWhenQueueFull;
  }

  /**
   * Whether {@code map} and {@code imapUnordered} report progress: a bar with rate and ETA on
   * stderr when the program runs on a terminal, an info log line every few seconds otherwise.
   * Default false, so a library call prints nothing unasked.
   */
  public boolean progress() {
    return progress;
  }

  /**
   * The shared secret to prove to the broker, which must prove it back (see {@link Authkey});
   * default the value of {@value #ENV_AUTHKEY} when set, else null, for a broker without a key.
   * A client with a key refuses a broker that does not prove it.
   */
  public byte[] authkey() {
    return authkey == null ? null : authkey.clone();
  }

  /** Whether to connect with TLS; default false. */
  public boolean tls() {
    return tls;
  }

  /** PEM CA certificates the broker's certificate must chain to; null (default) uses the JVM's trust store. */
  public Path tlsCa() {
    return tlsCa;
  }

  /** PEM client certificate chain, for brokers that require one (mutual TLS); default none. */
  public Path tlsCert() {
    return tlsCert;
  }

  /** PEM (PKCS#8) private key of {@link #tlsCert()}. */
  public Path tlsKey() {
    return tlsKey;
  }

  /** Longest time between two PINGs; default 30 s, less when the broker's idle timeout asks for it. */
  public Duration heartbeat() {
    return heartbeat;
  }

  /** Builds {@link ClientOptions}; every setter checks its argument. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private String name = "client";
    private Role role = Role.CLIENT;
    private List<String> handlers = List.of();
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private int maxOutstanding = DEFAULT_MAX_OUTSTANDING;
    private int maxFrame = Frames.DEFAULT_MAX_FRAME;
    private boolean waitWhenQueueFull;
    private boolean progress;
    private byte[] authkey;
    private boolean tls;
    private Path tlsCa;
    private Path tlsCert;
    private Path tlsKey;
    private Duration heartbeat = DEFAULT_HEARTBEAT;
    /** Why {@value ClientOptions#ENV_BROKER} is unusable; reported by build() unless the program set host and port. */
    private String brokerEnvError;
    /** Why {@value ClientOptions#ENV_AUTHKEY} is unusable; reported by build() unless the program set the key. */
    private String authkeyEnvError;
    private boolean hostSet;
    private boolean portSet;

    public Builder progress(boolean progress) {
      this.progress = progress;
      return this;
    }

    private Builder(Function<String, String> env) {
      // The environment fills in defaults now; setters called later simply replace them. A bad
      // variable is held back, not thrown: a program that sets the option itself must not fail
      // because of a variable it overrides.
      String broker = env.apply(ENV_BROKER);
      if (broker != null && !broker.isBlank()) {
        try {
          parseAddress(broker.strip());
        } catch (IllegalArgumentException e) {
          brokerEnvError = ENV_BROKER + " must be HOST:PORT with a port in 1..65535, got '" + broker + "'";
        }
      }
      String key = env.apply(ENV_AUTHKEY);
      if (key != null) {
        try {
          this.authkey = Authkey.resolve(null, key);
        } catch (IllegalArgumentException e) {
          authkeyEnvError = e.getMessage();
        }
      }
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
      this.authkey = authkey == null ? null : authkey.clone();
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
      this.tls = tls;
      return this;
    }

    /** Trusts these PEM CAs for the broker's certificate (implies TLS); null for the JVM's trust store. */
    public Builder tlsCa(Path ca) {
      this.tlsCa = ca;
      if (ca != null) {
        this.tls = true;
      }
      return this;
    }

    /** Presents this PEM certificate chain and PEM (PKCS#8) key to the broker (implies TLS); nulls for none. */
    public Builder tlsClientCert(Path cert, Path key) {
      if ((cert == null) != (key == null)) {
        throw new IllegalArgumentException("a client certificate needs both the certificate and the key, got " + cert + " and " + key);
      }
      this.tlsCert = cert;
      this.tlsKey = key;
      if (cert != null) {
        this.tls = true;
      }
      return this;
    }

    public Builder heartbeat(Duration heartbeat) {
      if (heartbeat == null || heartbeat.toMillis() < 10) {
        throw new IllegalArgumentException("heartbeat must be at least 10 ms, got " + heartbeat);
      }
      this.heartbeat = heartbeat;
      return this;
    }

    public Builder waitWhenQueueFull(boolean wait) {
      this.waitWhenQueueFull = wait;
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

    private void setHost(String host) {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank");
      }
      this.host = host;
    }

    private void setPort(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be 1..65535, got " + port);
      }
      this.port = port;
    }

    /**
     * Parses {@code HOST:PORT} ({@code [::1]:7070} for an IPv6 literal); default
     * {@value ClientOptions#ENV_BROKER}, else {@value ClientOptions#DEFAULT_HOST}:{@value ClientOptions#DEFAULT_PORT}.
     */
    public Builder address(String hostPort) {
      parseAddress(hostPort);
      hostSet = true;
      portSet = true;
      return this;
    }

    private void parseAddress(String hostPort) {
      int colon = hostPort == null ? -1 : hostPort.lastIndexOf(':');
      if (colon <= 0 || colon == hostPort.length() - 1) {
        throw new IllegalArgumentException("broker address must be HOST:PORT, got '" + hostPort + "'");
      }
      String h = hostPort.substring(0, colon);
      if (h.startsWith("[") && h.endsWith("]")) {
        h = h.substring(1, h.length() - 1);
      }
      int p;
      try {
        p = Integer.parseInt(hostPort.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("broker address must be HOST:PORT, got '" + hostPort + "'");
      }
      // Both checked before either is kept, so a bad address changes nothing.
      if (h.isBlank()) {
        throw new IllegalArgumentException("broker address must be HOST:PORT, got '" + hostPort + "'");
      }
      if (p < 1 || p > 65535) {
        throw new IllegalArgumentException("port must be 1..65535, got " + p);
      }
      setHost(h);
      setPort(p);
    }

    public Builder name(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank");
      }
      this.name = name;
      return this;
    }

    public Builder role(Role role) {
      if (role == null) {
        throw new IllegalArgumentException("role must not be null");
      }
      this.role = role;
      return this;
    }

    public Builder handlers(List<String> handlers) {
      if (handlers == null) {
        throw new IllegalArgumentException("handlers must not be null");
      }
      this.handlers = handlers;
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("connectTimeout must be positive, got " + timeout);
      }
      this.connectTimeout = timeout;
      return this;
    }

    public Builder requestTimeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("requestTimeout must be positive, got " + timeout);
      }
      this.requestTimeout = timeout;
      return this;
    }

    public Builder maxOutstanding(int maxOutstanding) {
      if (maxOutstanding < 1) {
        throw new IllegalArgumentException("maxOutstanding must be at least 1, got " + maxOutstanding);
      }
      this.maxOutstanding = maxOutstanding;
      return this;
    }

    public Builder maxFrame(int maxFrame) {
      if (maxFrame < 1024) {
        throw new IllegalArgumentException("maxFrame must be at least 1024 bytes, got " + maxFrame);
      }
      this.maxFrame = maxFrame;
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
