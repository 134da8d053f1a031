package dev.workq.server;

/**
 * The broker's HTTP listener: Prometheus metrics at /metrics, the JSON API under /api and the
 * dashboard at /, on the broker's {@link ListenOptions#host() host}. Immutable; build with
 * {@link #builder()}. Off by default.
 */
public final class HttpOptions {

  /** The port that turns the HTTP listener off: -1. */
  public static final int OFF = -1;
  /** Default HTTP port: {@value #OFF}, no HTTP listener. */
  public static final int DEFAULT_PORT = OFF;

  private final int port;

  private HttpOptions(Builder b) {
    this.port = b.port;
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

  /** Builds {@link HttpOptions}; every setter checks its argument and names it in the message. */
  public static final class Builder {
    private int port = DEFAULT_PORT;

    private Builder() {}

    private Builder(HttpOptions o) {
      this.port = o.port;
    }

    /** See {@link HttpOptions#port()}; -1 (off) or 0..65535. */
    public Builder port(int port) {
      if (port < -1 || port > 65535) {
        throw new IllegalArgumentException("httpPort must be -1 (off) or 0..65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /** The immutable options. */
    public HttpOptions build() {
      return new HttpOptions(this);
    }
  }
}
