package dev.workq.server;

import dev.workq.protocol.codec.Frames;

/**
 * How a {@link Broker} runs. Immutable; build with {@link #builder()}. Every option has a
 * documented default, and the CLI's flags map onto these same fields.
 */
public final class BrokerOptions {

  /** Default bind address: loopback only. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Default TCP port. */
  public static final int DEFAULT_PORT = 7070;
  /** Default largest frame accepted, in bytes (16 MiB). */
  public static final int DEFAULT_MAX_FRAME = Frames.DEFAULT_MAX_FRAME;
  /** Default number of I/O threads: one per core, at most 4. */
  public static final int DEFAULT_IO_THREADS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
  /** Default largest number of ready items one queue holds before a put is refused with QUEUE_FULL. */
  public static final int DEFAULT_MAX_QUEUE_LENGTH = 1_000_000;
  /** Default number of decoded requests one connection may have waiting for the core before the broker stops reading from it. */
  public static final int DEFAULT_MAX_PENDING_PER_CONNECTION = 4096;

  private final String host;
  private final int port;
  private final int maxFrame;
  private final int ioThreads;
  private final int maxQueueLength;
  private final int maxPendingPerConnection;

  private BrokerOptions(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.maxFrame = b.maxFrame;
    this.ioThreads = b.ioThreads;
    this.maxQueueLength = b.maxQueueLength;
    this.maxPendingPerConnection = b.maxPendingPerConnection;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The address to bind; default {@value #DEFAULT_HOST}. */
  public String host() {
    return host;
  }

  /** The TCP port; 0 picks a free one (see {@link Broker#port()}). Default {@value #DEFAULT_PORT}. */
  public int port() {
    return port;
  }

  /** The largest frame body accepted, in bytes; default 16 MiB. */
  public int maxFrame() {
    return maxFrame;
  }

  public int ioThreads() {
    return ioThreads;
  }

  /** Ready items a queue may hold; a put beyond it fails with QUEUE_FULL. Default 1,000,000. */
  public int maxQueueLength() {
    return maxQueueLength;
  }

  public int maxPendingPerConnection() {
    return maxPendingPerConnection;
  }

  /** Builds {@link BrokerOptions}; every setter checks its argument. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private int maxFrame = DEFAULT_MAX_FRAME;
    private int ioThreads = DEFAULT_IO_THREADS;
    private int maxQueueLength = DEFAULT_MAX_QUEUE_LENGTH;
    private int maxPendingPerConnection = DEFAULT_MAX_PENDING_PER_CONNECTION;

    private Builder() {}

    public Builder host(String host) {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank");
      }
      this.host = host;
      return this;
    }

    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, got " + port);
      }
      this.port = port;
      return this;
    }

    public Builder maxFrame(int maxFrame) {
      if (maxFrame < 1024) {
        throw new IllegalArgumentException("maxFrame must be at least 1024 bytes, got " + maxFrame);
      }
      this.maxFrame = maxFrame;
      return this;
    }

    public Builder ioThreads(int ioThreads) {
      if (ioThreads < 1 || ioThreads > 256) {
        throw new IllegalArgumentException("ioThreads must be 1..256, got " + ioThreads);
      }
      this.ioThreads = ioThreads;
      return this;
    }

    public Builder maxQueueLength(int maxQueueLength) {
      if (maxQueueLength < 1) {
        throw new IllegalArgumentException("maxQueueLength must be at least 1, got " + maxQueueLength);
      }
      this.maxQueueLength = maxQueueLength;
      return this;
    }

    public Builder maxPendingPerConnection(int maxPending) {
      if (maxPending < 16) {
        throw new IllegalArgumentException("maxPendingPerConnection must be at least 16, got " + maxPending);
      }
      this.maxPendingPerConnection = maxPending;
      return this;
    }

    public BrokerOptions build() {
      return new BrokerOptions(this);
    }
  }
}
