package dev.workq.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The broker's HTTP listener: Prometheus metrics at /metrics, the JSON API under /api and the
 * dashboard at /, on the broker's {@link ListenOptions#host() host}. Immutable; build with
 * {@link #builder()}. Off by default.
 *
 * <p>It speaks HTTPS whenever the broker has a certificate (its own {@link #tlsCert()}, else the
 * broker port's), and plaintext HTTP only on a loopback address. Its credentials are its own two
 * bearer tokens, never the authkey: {@link #readToken()} for {@code /metrics} and the GET routes,
 * {@link #adminToken()} for those and the actions (POST, DELETE). A listener on a non-loopback
 * address, or of a broker with an authkey, needs at least one of them; without any, on loopback
 * beside a broker without a key, it is open to local users, as the broker port itself is.
 */
public final class HttpOptions {

  /** The port that turns the HTTP listener off: -1. */
  public static final int OFF = -1;
  /** Default HTTP port: {@value #OFF}, no HTTP listener. */
  public static final int DEFAULT_PORT = OFF;
  /** Shortest token accepted, in bytes: {@value}. */
  public static final int MIN_TOKEN_BYTES = 16;
  /** Longest token accepted, in bytes: {@value}. */
  public static final int MAX_TOKEN_BYTES = 4096;
  /** Environment variable the CLI reads the read token from when no token file is given. */
  public static final String TOKEN_ENV = "WORKQ_HTTP_TOKEN";
  /** Environment variable the CLI reads the admin token from when no token file is given. */
  public static final String ADMIN_TOKEN_ENV = "WORKQ_HTTP_ADMIN_TOKEN";
  /** Default cap on connections open at once to the HTTP port: {@value}. */
  public static final int DEFAULT_MAX_CONNECTIONS = 256;

  private final int port;
  private final byte[] readToken;
  private final byte[] adminToken;
  private final List<String> allowedHosts;
  private final Path tlsCert;
  private final Path tlsKey;
  private final int maxConnections;

  private HttpOptions(Builder b) {
    this.port = b.port;
    this.readToken = b.readToken;
    this.adminToken = b.adminToken;
    this.allowedHosts = List.copyOf(b.allowedHosts);
    this.tlsCert = b.tlsCert;
    this.tlsKey = b.tlsKey;
    this.maxConnections = b.maxConnections;
  }

  /** A builder holding every default. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these options, to change some of them. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Port of the HTTP listener; {@value #OFF} (the default) turns it off, 0 picks a free port. */
  public int port() {
    return port;
  }

  /** Whether the broker serves HTTP. */
  public boolean enabled() {
    return port != OFF;
  }

  /** Bearer token for {@code /metrics} and the GET routes (not the actions); default none. */
  public byte[] readToken() {
    return readToken == null ? null : readToken.clone();
  }

  /** Bearer token for every route, actions included; default none, and then no action is allowed once a read token is set. */
  public byte[] adminToken() {
    return adminToken == null ? null : adminToken.clone();
  }

  /** Whether either token is set. */
  public boolean hasTokens() {
    return readToken != null || adminToken != null;
  }

  /**
   * Host names (or addresses) accepted in the {@code Host} header besides the defaults (the bound
   * address, localhost, 127.0.0.1, [::1], the machine's host name, and each interface's address when
   * bound to a wildcard address), lower case; default none. Others get 421 (DNS rebinding).
   */
  public List<String> allowedHosts() {
    return allowedHosts;
  }

  /** PEM certificate chain for HTTPS on this port; default none, meaning the broker port's ({@link SecurityOptions#tlsCert()}). */
  public Path tlsCert() {
    return tlsCert;
  }

  /** PEM (PKCS#8) private key of {@link #tlsCert()}; default none. */
  public Path tlsKey() {
    return tlsKey;
  }

  /**
   * Connections open at once to the HTTP port, counted before TLS and the token check; one more
   * gets 503 (plaintext) and is closed. Default {@value #DEFAULT_MAX_CONNECTIONS}: a scraper and a
   * few dashboards need a handful, and each connection may hold a 64 KiB request body.
   */
  public int maxConnections() {
    return maxConnections;
  }

  /** Builds {@link HttpOptions}; every setter checks its argument and names it in the message. */
  public static final class Builder {
    private int port = DEFAULT_PORT;
    private byte[] readToken;
    private byte[] adminToken;
    private final List<String> allowedHosts = new ArrayList<>();
    private Path tlsCert;
    private Path tlsKey;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;

    private Builder() {}

    private Builder(HttpOptions o) {
      this.port = o.port;
      this.readToken = o.readToken;
      this.adminToken = o.adminToken;
      this.allowedHosts.addAll(o.allowedHosts);
      this.tlsCert = o.tlsCert;
      this.tlsKey = o.tlsKey;
      this.maxConnections = o.maxConnections;
    }

    /** See {@link HttpOptions#maxConnections()}; at least 1. */
    public Builder maxConnections(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("httpMaxConnections must be at least 1, got " + max);
      }
      this.maxConnections = max;
      return this;
    }

    /** See {@link HttpOptions#port()}; -1 (off) or 0..65535. */
    public Builder port(int port) {
      if (port < -1 || port > 65535) {
        throw new IllegalArgumentException("httpPort must be -1 (off) or 0..65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /** See {@link HttpOptions#readToken()}; null for none, else {@value #MIN_TOKEN_BYTES}..{@value #MAX_TOKEN_BYTES} bytes. */
    public Builder readToken(byte[] token) {
      this.readToken = check("httpReadToken", token);
      return this;
    }

    /** See {@link HttpOptions#adminToken()}; null for none, else {@value #MIN_TOKEN_BYTES}..{@value #MAX_TOKEN_BYTES} bytes. */
    public Builder adminToken(byte[] token) {
      this.adminToken = check("httpAdminToken", token);
      return this;
    }

    /** Adds a name to {@link HttpOptions#allowedHosts()}: a host name, an IPv4 address or a bracketed IPv6 one, no port. */
    public Builder allowHost(String host) {
      if (host == null || host.isBlank() || host.contains("/") || host.chars().anyMatch(Character::isWhitespace)
          || (host.indexOf(':') >= 0 && !host.startsWith("["))) {
        throw new IllegalArgumentException("httpAllowHost must be a host name or address without a port "
            + "(an IPv6 address in brackets), got '" + host + "'");
      }
      allowedHosts.add(host.toLowerCase(Locale.ROOT));
      return this;
    }

    /** HTTPS with this PEM certificate chain and key instead of the broker port's; nulls (the default) use the broker's. */
    public Builder tls(Path cert, Path key) {
      if ((cert == null) != (key == null)) {
        throw new IllegalArgumentException("httpTls needs both a certificate and a key, got " + cert + " and " + key);
      }
      this.tlsCert = cert;
      this.tlsKey = key;
      return this;
    }

    private static byte[] check(String name, byte[] token) {
      if (token == null) {
        return null;
      }
      if (token.length < MIN_TOKEN_BYTES || token.length > MAX_TOKEN_BYTES) {
        throw new IllegalArgumentException(name + " must be " + MIN_TOKEN_BYTES + ".." + MAX_TOKEN_BYTES + " bytes, got "
            + token.length + " (make one: head -c 32 /dev/urandom | base64 > token && chmod 600 token)");
      }
      return token.clone();
    }

    /** The immutable options; equal read and admin tokens are refused (every reader would be an admin). */
    public HttpOptions build() {
      if (readToken != null && adminToken != null && java.security.MessageDigest.isEqual(readToken, adminToken)) {
        throw new IllegalArgumentException("httpReadToken and httpAdminToken must differ: every reader would be an admin");
      }
      return new HttpOptions(this);
    }
  }
}
