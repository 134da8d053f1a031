package dev.workq.client;

import dev.workq.protocol.Role;
import dev.workq.protocol.codec.Frames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How a {@link WorkqClient} connects. Immutable; build with {@link #builder()}.
 */
public final class ClientOptions {

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
    Builder b = new Builder();
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

  public static Builder builder() {
    return new Builder();
  }

  /** Options for {@code host:port}, everything else default. */
  public static ClientOptions of(String host, int port) {
    return builder().host(host).port(port).build();
  }

  public String host() {
    return host;
  }

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
   * The shared secret to prove to the broker, which must prove it back (see
   * {@link dev.workq.protocol.auth.Authkey}); null (the default) for a broker without a key.
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

    public Builder progress(boolean progress) {
      this.progress = progress;
      return this;
    }

    private Builder() {}

    /** The shared secret (see {@link ClientOptions#authkey()}); null for none. */
    public Builder authkey(byte[] authkey) {
      if (authkey != null && authkey.length == 0) {
        throw new IllegalArgumentException("authkey must not be empty");
      }
      this.authkey = authkey == null ? null : authkey.clone();
      return this;
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

    public Builder host(String host) {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank");
      }
      this.host = host;
      return this;
    }

    public Builder port(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be 1..65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /** Parses {@code HOST:PORT}. */
    public Builder address(String hostPort) {
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
      return host(h).port(p);
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

    public ClientOptions build() {
      return new ClientOptions(this);
    }
  }
}
