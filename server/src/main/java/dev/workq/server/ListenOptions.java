package dev.workq.server;

import dev.workq.protocol.Checks;
import dev.workq.protocol.codec.Frames;
import java.time.Duration;

/**
 * Where and how the broker listens for workers and clients: the bind address, I/O threads, the
 * frame limit, connection timeouts and the caps that bound connections, in particular those that
 * have not finished their handshake. Immutable; build with {@link #builder()}.
 */
public final class ListenOptions {

  /** Default bind address: loopback only. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Default TCP port. */
  public static final int DEFAULT_PORT = 7070;
  /** Default number of I/O threads: one per core, at most 4. */
  public static final int DEFAULT_IO_THREADS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
  /** Default largest frame accepted, in bytes (16 MiB). */
  public static final int DEFAULT_MAX_FRAME = Frames.DEFAULT_MAX_FRAME;
  /** Default time a new connection has to finish TLS, the authkey handshake and HELLO: 10 s. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
  /** Default time a connection may send no message before it is closed: 5 min (clients ping every third of it). */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
  /** Default most connections served at once: 10,000. One more gets CONNECTION_LIMIT and is closed. */
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  /**
   * Default largest frame body accepted before the peer is welcomed: 8 KiB. A HELLO, an
   * AUTH_RESPONSE and a few pipelined requests fit in a few hundred bytes; a stranger who stalls
   * part-way through a frame can make the broker hold at most about twice this (allocators round up).
   */
  public static final int DEFAULT_HANDSHAKE_MAX_FRAME = 8 * 1024;
  /**
   * Default most connections from one address that may be in their handshake (not yet welcomed)
   * at once: 64. One more closes that address's oldest such connection, not the new one.
   */
  public static final int DEFAULT_MAX_HANDSHAKES_PER_ADDRESS = 64;
  /**
   * Default most bytes all connections in their handshake may hold in partial frames, over the
   * whole broker: 16 MiB. Past it the oldest of them are closed until it fits.
   */
  public static final long DEFAULT_HANDSHAKE_BUFFER_BUDGET = 16L << 20;

  private final String host;
  private final int port;
  private final int ioThreads;
  private final int maxFrame;
  private final Duration handshakeTimeout;
  private final Duration idleTimeout;
  private final int maxConnections;
  private final int handshakeMaxFrame;
  private final int maxHandshakesPerAddress;
  private final long handshakeBufferBudget;

  private ListenOptions(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.ioThreads = b.ioThreads;
    this.maxFrame = b.maxFrame;
    this.handshakeTimeout = b.handshakeTimeout;
    this.idleTimeout = b.idleTimeout;
    this.maxConnections = b.maxConnections;
    this.handshakeMaxFrame = b.handshakeMaxFrame;
    this.maxHandshakesPerAddress = b.maxHandshakesPerAddress;
    this.handshakeBufferBudget = b.handshakeBufferBudget;
  }

  /** A builder holding every default. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these options, to change some of them. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The address to bind; default {@value #DEFAULT_HOST}. */
  public String host() {
    return host;
  }

  /** The TCP port; 0 picks a free one (see {@link Broker#port()}). Default {@value #DEFAULT_PORT}. */
  public int port() {
    return port;
  }

  /** Threads serving connections' I/O; default one per core, at most 4. */
  public int ioThreads() {
    return ioThreads;
  }

  /**
   * The largest frame body accepted, in bytes; default 16 MiB. A put's payload may take all of it
   * but a few KiB of headroom for the delivery's header, and a STATS page half of it.
   */
  public int maxFrame() {
    return maxFrame;
  }

  /** Time a connection has to finish TLS, the authkey exchange and HELLO; default 10 s. */
  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  /** Time a connection may send no message before it is closed; default 5 min. */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** Connections served at once; default 10,000. */
  public int maxConnections() {
    return maxConnections;
  }

  /**
   * The largest frame body accepted before the peer is welcomed, in bytes, capped at
   * {@link #maxFrame()}; default 8 KiB. Over it: FRAME_TOO_LARGE, from the length prefix alone.
   */
  public int handshakeMaxFrame() {
    return Math.min(handshakeMaxFrame, maxFrame);
  }

  /**
   * Connections from one source address that may be in their handshake (connected, not yet
   * welcomed) at once; default 64. A new connection beyond it closes the oldest of them (so a
   * flood of stalled connections cannot lock out a client that handshakes quickly).
   */
  public int maxHandshakesPerAddress() {
    return maxHandshakesPerAddress;
  }

  /**
   * Bytes that connections in their handshake may hold in partial frames, over the whole broker
   * (the capacity of their frame decoders' buffers); default 16 MiB. Past it the oldest of them
   * are closed until the rest fit.
   */
  public long handshakeBufferBudget() {
    return handshakeBufferBudget;
  }

  /** Builds {@link ListenOptions}; every setter checks its argument and names it in the message. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private int ioThreads = DEFAULT_IO_THREADS;
    private int maxFrame = DEFAULT_MAX_FRAME;
    private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int handshakeMaxFrame = DEFAULT_HANDSHAKE_MAX_FRAME;
    private int maxHandshakesPerAddress = DEFAULT_MAX_HANDSHAKES_PER_ADDRESS;
    private long handshakeBufferBudget = DEFAULT_HANDSHAKE_BUFFER_BUDGET;

    private Builder() {}

    private Builder(ListenOptions o) {
      this.host = o.host;
      this.port = o.port;
      this.ioThreads = o.ioThreads;
      this.maxFrame = o.maxFrame;
      this.handshakeTimeout = o.handshakeTimeout;
      this.idleTimeout = o.idleTimeout;
      this.maxConnections = o.maxConnections;
      this.handshakeMaxFrame = o.handshakeMaxFrame;
      this.maxHandshakesPerAddress = o.maxHandshakesPerAddress;
      this.handshakeBufferBudget = o.handshakeBufferBudget;
    }

    /** See {@link ListenOptions#host()}; not blank. */
    public Builder host(String host) {
      Checks.notBlank("host", host);
      this.host = host;
      return this;
    }

    /** See {@link ListenOptions#port()}; 0..65535. */
    public Builder port(int port) {
      Checks.range("port", port, 0, 65535);
      this.port = port;
      return this;
    }

    /** See {@link ListenOptions#ioThreads()}; 1..256. */
    public Builder ioThreads(int ioThreads) {
      Checks.range("ioThreads", ioThreads, 1, 256);
      this.ioThreads = ioThreads;
      return this;
    }

    /** See {@link ListenOptions#maxFrame()}; at least 1024 bytes. */
    public Builder maxFrame(int maxFrame) {
      Checks.atLeast("maxFrame", maxFrame, 1024, "bytes");
      this.maxFrame = maxFrame;
      return this;
    }

    /** See {@link ListenOptions#handshakeTimeout()}; 10 ms..10 min. */
    public Builder handshakeTimeout(Duration timeout) {
      if (timeout == null || timeout.toMillis() < 10 || timeout.toMinutes() > 10) {
        throw new IllegalArgumentException("handshakeTimeout must be 10 ms..10 min, got " + timeout);
      }
      this.handshakeTimeout = timeout;
      return this;
    }

    /** See {@link ListenOptions#idleTimeout()}; 100 ms..1 day. */
    public Builder idleTimeout(Duration timeout) {
      if (timeout == null || timeout.toMillis() < 100 || timeout.toDays() > 1) {
        throw new IllegalArgumentException("idleTimeout must be 100 ms..1 day, got " + timeout);
      }
      this.idleTimeout = timeout;
      return this;
    }

    /** See {@link ListenOptions#maxConnections()}; at least 1. */
    public Builder maxConnections(int max) {
      Checks.atLeast("maxConnections", max, 1);
      this.maxConnections = max;
      return this;
    }

    /** See {@link ListenOptions#handshakeMaxFrame()}; 1024 bytes .. 16 MiB. */
    public Builder handshakeMaxFrame(int bytes) {
      if (bytes < 1024 || bytes > Frames.DEFAULT_MAX_FRAME) {
        throw new IllegalArgumentException("handshakeMaxFrame must be 1024.." + Frames.DEFAULT_MAX_FRAME + " bytes, got " + bytes);
      }
      this.handshakeMaxFrame = bytes;
      return this;
    }

    /** See {@link ListenOptions#maxHandshakesPerAddress()}; at least 1. */
    public Builder maxHandshakesPerAddress(int max) {
      Checks.atLeast("maxHandshakesPerAddress", max, 1);
      this.maxHandshakesPerAddress = max;
      return this;
    }

    /**
     * See {@link ListenOptions#handshakeBufferBudget()}; at least 64 KiB, and at least 4 times the
     * handshake frame limit (checked by {@link #build()}), so one peer's frame always fits.
     */
    public Builder handshakeBufferBudget(long bytes) {
      if (bytes < 64 * 1024) {
        throw new IllegalArgumentException("handshakeBufferBudget must be at least 65536 bytes, got " + bytes);
      }
      this.handshakeBufferBudget = bytes;
      return this;
    }

    /** The immutable options; checks the handshake buffer budget against the handshake frame limit. */
    public ListenOptions build() {
      // A partial frame's buffer is rounded up to a power of two, so one frame can hold up to twice
      // the limit; twice that again leaves room for a second peer mid-frame.
      long oneFrame = 4L * Math.min(handshakeMaxFrame, maxFrame);
      if (handshakeBufferBudget < oneFrame) {
        throw new IllegalArgumentException("handshakeBufferBudget must be at least 4 x handshakeMaxFrame (" + oneFrame
            + " bytes), got " + handshakeBufferBudget);
      }
      return new ListenOptions(this);
    }
  }
}
