package dev.workq.server;

import dev.workq.protocol.Put;
import dev.workq.protocol.codec.Frames;
import dev.workq.server.internal.journal.FileStorage;
import dev.workq.server.internal.journal.Storage;
import java.nio.file.Path;
import java.time.Duration;

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
  /** Default fsync policy when journaling: every confirmed put is on disk (group commit). */
  public static final FsyncPolicy DEFAULT_FSYNC = FsyncPolicy.ALWAYS;
  /** Default longest time between fsyncs under {@link FsyncPolicy#BATCH}: 10 ms. */
  public static final long DEFAULT_FSYNC_INTERVAL_MS = 10;
  /** Default deliveries a task gets before it goes to the dead letters: 3. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  /** Default lease of a delivery without renewal: 30 s. */
  public static final long DEFAULT_LEASE_MS = 30_000;
  /** Default delay before the first retry of a failed task: 1 s, doubling per attempt. */
  public static final long DEFAULT_RETRY_BACKOFF_MS = 1_000;
  /** Default longest retry delay: 5 min. */
  public static final long DEFAULT_RETRY_BACKOFF_MAX_MS = 300_000;
  /** Default journal growth below which the broker never compacts: 64 MiB. */
  public static final long DEFAULT_COMPACT_MIN_BYTES = 64L << 20;
  /** Default time a new connection has to finish TLS, the authkey handshake and HELLO: 10 s. */
  public static final long DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
  /** Default time a connection may send no message before it is closed: 5 min (clients ping every third of it). */
  public static final long DEFAULT_IDLE_TIMEOUT_MS = 300_000;
  /** Default most connections served at once: 10,000. One more gets CONNECTION_LIMIT and is closed. */
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  /** Default most deliveries one connection holds unacked, over all its consumers and fetches: 65,536. */
  public static final int DEFAULT_MAX_UNACKED_PER_CONNECTION = 65_536;
  /**
   * Default share of the JVM's max heap that the items the broker holds may take: 25%, leaving
   * room for the copy of every live item a journal compaction makes, and for requests in flight.
   */
  public static final double DEFAULT_MEMORY_FRACTION = 0.25;
  /** Default share of the broker-wide memory budget that one queue's items may take: half. */
  public static final double DEFAULT_QUEUE_MEMORY_FRACTION = 0.5;
  /** Default share of the JVM's max heap for requests read and not yet handled: 1/8. */
  public static final double DEFAULT_PENDING_FRACTION = 0.125;
  /** Default most queues the broker holds: 20,000. */
  public static final int DEFAULT_MAX_QUEUES = 20_000;
  /** Default most queues one connection may create: 1,000. */
  public static final int DEFAULT_MAX_QUEUES_PER_CONNECTION = 1_000;
  /** Default most consumers over all connections: 100,000. */
  public static final int DEFAULT_MAX_CONSUMERS = 100_000;
  /** Default most consumers one connection may hold: 1,024. */
  public static final int DEFAULT_MAX_CONSUMERS_PER_CONNECTION = 1_024;
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
  private final int maxFrame;
  private final int ioThreads;
  private final int maxQueueLength;
  private final int maxPendingPerConnection;
  private final Path dataDir;
  private final FsyncPolicy fsync;
  private final long fsyncIntervalMs;
  private final int maxAttempts;
  private final Duration lease;
  private final Duration retryBackoff;
  private final Duration retryBackoffMax;
  private final long compactMinBytes;
  private final Storage storage;
  private final int httpPort;
  private final byte[] authkey;
  private final boolean insecure;
  private final Path tlsCert;
  private final Path tlsKey;
  private final Path tlsClientCa;
  private final Duration handshakeTimeout;
  private final Duration idleTimeout;
  private final int maxConnections;
  private final int maxUnackedPerConnection;
  private final long maxMemoryBytes;
  private final long maxQueueBytes;
  private final long maxPendingBytes;
  private final int maxQueues;
  private final int maxQueuesPerConnection;
  private final int maxConsumers;
  private final int maxConsumersPerConnection;
  private final int handshakeMaxFrame;
  private final int maxHandshakesPerAddress;
  private final long handshakeBufferBudget;

  private BrokerOptions(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.maxFrame = b.maxFrame;
    this.ioThreads = b.ioThreads;
    this.maxQueueLength = b.maxQueueLength;
    this.maxPendingPerConnection = b.maxPendingPerConnection;
    this.dataDir = b.dataDir;
    this.fsync = b.fsync;
    this.fsyncIntervalMs = b.fsyncIntervalMs;
    this.maxAttempts = b.maxAttempts;
    this.lease = b.lease;
    this.retryBackoff = b.retryBackoff;
    this.retryBackoffMax = b.retryBackoffMax;
    this.compactMinBytes = b.compactMinBytes;
    this.storage = b.storage;
    this.httpPort = b.httpPort;
    this.authkey = b.authkey;
    this.insecure = b.insecure;
    this.tlsCert = b.tlsCert;
    this.tlsKey = b.tlsKey;
    this.tlsClientCa = b.tlsClientCa;
    this.handshakeTimeout = b.handshakeTimeout;
    this.idleTimeout = b.idleTimeout;
    this.maxConnections = b.maxConnections;
    this.maxUnackedPerConnection = b.maxUnackedPerConnection;
    long heap = Runtime.getRuntime().maxMemory();
    this.maxMemoryBytes = b.maxMemoryBytes > 0 ? b.maxMemoryBytes : (long) (heap * DEFAULT_MEMORY_FRACTION);
    this.maxQueueBytes = b.maxQueueBytes > 0 ? b.maxQueueBytes : (long) (maxMemoryBytes * DEFAULT_QUEUE_MEMORY_FRACTION);
    this.maxPendingBytes = b.maxPendingBytes > 0 ? b.maxPendingBytes : (long) (heap * DEFAULT_PENDING_FRACTION);
    this.maxQueues = b.maxQueues;
    this.maxQueuesPerConnection = b.maxQueuesPerConnection;
    this.maxConsumers = b.maxConsumers;
    this.maxConsumersPerConnection = b.maxConsumersPerConnection;
    this.handshakeMaxFrame = b.handshakeMaxFrame;
    this.maxHandshakesPerAddress = b.maxHandshakesPerAddress;
    this.handshakeBufferBudget = b.handshakeBufferBudget;
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

  /**
   * Where the journal lives; null (the library's default) keeps everything in memory. The
   * {@code workq broker} command defaults it to {@code ./workq-data}.
   */
  public Path dataDir() {
    return dataDir;
  }

  /** When journal writes are forced to disk; default {@link FsyncPolicy#ALWAYS}. */
  public FsyncPolicy fsync() {
    return fsync;
  }

  /** Longest time between fsyncs under BATCH, in ms; default 10. */
  public long fsyncIntervalMs() {
    return fsyncIntervalMs;
  }

  /** Deliveries a task gets before the dead letters, unless it asks otherwise; default 3. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** Lease of a delivery without renewal, unless the task asks otherwise; default 30 s. */
  public Duration lease() {
    return lease;
  }

  /** Delay before the first retry of a failed task, doubling per attempt with jitter; default 1 s. */
  public Duration retryBackoff() {
    return retryBackoff;
  }

  /** Longest retry delay; default 5 min. */
  public Duration retryBackoffMax() {
    return retryBackoffMax;
  }

  /** Journal growth below which the broker never compacts, in bytes; default 64 MiB. */
  public long compactMinBytes() {
    return compactMinBytes;
  }

  /**
   * Port of the HTTP listener (Prometheus metrics at /metrics, JSON API under /api, the dashboard
   * at /), on the same host as the broker; -1 (the default) turns it off, 0 picks a free port.
   */
  public int httpPort() {
    return httpPort;
  }

  /** The file-system layer under the journal: the real one unless a test injects faults. */
  public Storage storage() {
    return storage;
  }

  /**
   * The shared secret every peer must prove it holds (HMAC-SHA256 challenge-response, see
   * {@link dev.workq.protocol.auth.Authkey}); null (the default) admits anyone who can connect,
   * so the broker then binds loopback addresses only, unless {@link #insecure()}.
   */
  public byte[] authkey() {
    return authkey == null ? null : authkey.clone();
  }

  /** Whether the broker may listen on a non-loopback address without an authkey; default false. */
  public boolean insecure() {
    return insecure;
  }

  /** PEM certificate chain of the broker; with {@link #tlsKey()} turns TLS on. Default none. */
  public Path tlsCert() {
    return tlsCert;
  }

  /** PEM (PKCS#8) private key of {@link #tlsCert()}. */
  public Path tlsKey() {
    return tlsKey;
  }

  /** PEM CA certificates that client certificates must chain to; when set, clients need one (mTLS). */
  public Path tlsClientCa() {
    return tlsClientCa;
  }

  /** Whether the broker speaks TLS. */
  public boolean tls() {
    return tlsCert != null;
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

  /** Deliveries one connection may hold unacked over all its consumers and fetches; default 65,536. */
  public int maxUnackedPerConnection() {
    return maxUnackedPerConnection;
  }

  /**
   * Bytes the items the broker holds (ready, in flight, delayed, dead, results) may take over all
   * queues; past it puts get MEMORY_LIMIT while deliveries, completions and acks go on. Default
   * {@value #DEFAULT_MEMORY_FRACTION} of the JVM's max heap.
   */
  public long maxMemoryBytes() {
    return maxMemoryBytes;
  }

  /**
   * Bytes one queue's items may take; past it puts to the queue get QUEUE_FULL. Default
   * {@value #DEFAULT_QUEUE_MEMORY_FRACTION} of {@link #maxMemoryBytes()}, so one queue cannot
   * take the whole budget from the others.
   */
  public long maxQueueBytes() {
    return maxQueueBytes;
  }

  /**
   * Bytes of requests read from all connections and not yet handled by the broker's core; past
   * it the broker stops reading until the core catches up. Default
   * {@value #DEFAULT_PENDING_FRACTION} of the JVM's max heap.
   */
  public long maxPendingBytes() {
    return maxPendingBytes;
  }

  /** Queues the broker holds; a request that would create one more gets QUEUE_LIMIT. Default 20,000. */
  public int maxQueues() {
    return maxQueues;
  }

  /** Queues one connection may create (over its lifetime, less those deleted); default 1,000. */
  public int maxQueuesPerConnection() {
    return maxQueuesPerConnection;
  }

  /** Consumers over all connections; one more gets CONSUMER_LIMIT. Default 100,000. */
  public int maxConsumers() {
    return maxConsumers;
  }

  /** Consumers one connection may hold; one more gets CONSUMER_LIMIT. Default 1,024. */
  public int maxConsumersPerConnection() {
    return maxConsumersPerConnection;
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

  /** Builds {@link BrokerOptions}; every setter checks its argument. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private int maxFrame = DEFAULT_MAX_FRAME;
    private int ioThreads = DEFAULT_IO_THREADS;
    private int maxQueueLength = DEFAULT_MAX_QUEUE_LENGTH;
    private int maxPendingPerConnection = DEFAULT_MAX_PENDING_PER_CONNECTION;
    private Path dataDir;
    private FsyncPolicy fsync = DEFAULT_FSYNC;
    private long fsyncIntervalMs = DEFAULT_FSYNC_INTERVAL_MS;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration lease = Duration.ofMillis(DEFAULT_LEASE_MS);
    private Duration retryBackoff = Duration.ofMillis(DEFAULT_RETRY_BACKOFF_MS);
    private Duration retryBackoffMax = Duration.ofMillis(DEFAULT_RETRY_BACKOFF_MAX_MS);
    private long compactMinBytes = DEFAULT_COMPACT_MIN_BYTES;
    private Storage storage = new FileStorage();
    private int httpPort = -1;

    private byte[] authkey;
    private boolean insecure;
    private Path tlsCert;
    private Path tlsKey;
    private Path tlsClientCa;
    private Duration handshakeTimeout = Duration.ofMillis(DEFAULT_HANDSHAKE_TIMEOUT_MS);
    private Duration idleTimeout = Duration.ofMillis(DEFAULT_IDLE_TIMEOUT_MS);
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int maxUnackedPerConnection = DEFAULT_MAX_UNACKED_PER_CONNECTION;
    private long maxMemoryBytes;
    private long maxQueueBytes;
    private long maxPendingBytes;
    private int maxQueues = DEFAULT_MAX_QUEUES;
    private int maxQueuesPerConnection = DEFAULT_MAX_QUEUES_PER_CONNECTION;
    private int maxConsumers = DEFAULT_MAX_CONSUMERS;
    private int maxConsumersPerConnection = DEFAULT_MAX_CONSUMERS_PER_CONNECTION;
    private int handshakeMaxFrame = DEFAULT_HANDSHAKE_MAX_FRAME;
    private int maxHandshakesPerAddress = DEFAULT_MAX_HANDSHAKES_PER_ADDRESS;
    private long handshakeBufferBudget = DEFAULT_HANDSHAKE_BUFFER_BUDGET;

    private Builder() {}

    /** See {@link BrokerOptions#handshakeMaxFrame()}; 1024 bytes .. 16 MiB. */
    public Builder handshakeMaxFrame(int bytes) {
      if (bytes < 1024 || bytes > Frames.DEFAULT_MAX_FRAME) {
        throw new IllegalArgumentException("handshakeMaxFrame must be 1024.." + Frames.DEFAULT_MAX_FRAME + " bytes, got " + bytes);
      }
      this.handshakeMaxFrame = bytes;
      return this;
    }

    /** See {@link BrokerOptions#maxHandshakesPerAddress()}; at least 1. */
    public Builder maxHandshakesPerAddress(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxHandshakesPerAddress must be at least 1, got " + max);
      }
      this.maxHandshakesPerAddress = max;
      return this;
    }

    /**
     * See {@link BrokerOptions#handshakeBufferBudget()}; at least 64 KiB, and at least 4 times the
     * handshake frame limit (checked by {@link #build()}), so one peer's frame always fits.
     */
    public Builder handshakeBufferBudget(long bytes) {
      if (bytes < 64 * 1024) {
        throw new IllegalArgumentException("handshakeBufferBudget must be at least 65536 bytes, got " + bytes);
      }
      this.handshakeBufferBudget = bytes;
      return this;
    }

    public Builder httpPort(int port) {
      if (port < -1 || port > 65535) {
        throw new IllegalArgumentException("httpPort must be -1 (off) or 0..65535, got " + port);
      }
      this.httpPort = port;
      return this;
    }

    /** The shared secret (see {@link BrokerOptions#authkey()}); null for none. */
    public Builder authkey(byte[] authkey) {
      if (authkey != null && authkey.length == 0) {
        throw new IllegalArgumentException("authkey must not be empty");
      }
      this.authkey = authkey == null ? null : authkey.clone();
      return this;
    }

    /** Allows a non-loopback bind address without an authkey. */
    public Builder insecure(boolean insecure) {
      this.insecure = insecure;
      return this;
    }

    /** Turns TLS on with this PEM certificate chain and PEM (PKCS#8) private key; nulls turn it off. */
    public Builder tls(Path cert, Path key) {
      if ((cert == null) != (key == null)) {
        throw new IllegalArgumentException("tls needs both a certificate and a key, got " + cert + " and " + key);
      }
      this.tlsCert = cert;
      this.tlsKey = key;
      return this;
    }

    /** Requires client certificates signed by these PEM CAs (mutual TLS); null for none. */
    public Builder tlsClientCa(Path ca) {
      this.tlsClientCa = ca;
      return this;
    }

    public Builder handshakeTimeout(Duration timeout) {
      if (timeout == null || timeout.toMillis() < 10 || timeout.toMinutes() > 10) {
        throw new IllegalArgumentException("handshakeTimeout must be 10 ms..10 min, got " + timeout);
      }
      this.handshakeTimeout = timeout;
      return this;
    }

    public Builder idleTimeout(Duration timeout) {
      if (timeout == null || timeout.toMillis() < 100 || timeout.toDays() > 1) {
        throw new IllegalArgumentException("idleTimeout must be 100 ms..1 day, got " + timeout);
      }
      this.idleTimeout = timeout;
      return this;
    }

    public Builder maxConnections(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConnections must be at least 1, got " + max);
      }
      this.maxConnections = max;
      return this;
    }

    public Builder maxUnackedPerConnection(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxUnackedPerConnection must be at least 1, got " + max);
      }
      this.maxUnackedPerConnection = max;
      return this;
    }

    /** Turns on the journal in {@code dataDir}; null keeps state in memory only. */
    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    public Builder fsync(FsyncPolicy fsync) {
      if (fsync == null) {
        throw new IllegalArgumentException("fsync must not be null");
      }
      this.fsync = fsync;
      return this;
    }

    public Builder fsyncIntervalMs(long ms) {
      if (ms < 1 || ms > 10_000) {
        throw new IllegalArgumentException("fsyncIntervalMs must be 1..10000, got " + ms);
      }
      this.fsyncIntervalMs = ms;
      return this;
    }

    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1 || maxAttempts > Put.MAX_ATTEMPTS) {
        throw new IllegalArgumentException("maxAttempts must be 1.." + Put.MAX_ATTEMPTS + ", got " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    public Builder lease(Duration lease) {
      if (lease == null || lease.toMillis() < Put.MIN_LEASE_MS || lease.toMillis() > Put.MAX_LEASE_MS) {
        throw new IllegalArgumentException("lease must be " + Put.MIN_LEASE_MS + " ms.." + Put.MAX_LEASE_MS + " ms, got " + lease);
      }
      this.lease = lease;
      return this;
    }

    public Builder retryBackoff(Duration first, Duration max) {
      if (first == null || max == null || first.isNegative() || max.compareTo(first) < 0) {
        throw new IllegalArgumentException("retryBackoff must be non-negative and at most its max, got " + first + " and " + max);
      }
      this.retryBackoff = first;
      this.retryBackoffMax = max;
      return this;
    }

    public Builder compactMinBytes(long bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("compactMinBytes must be at least 1024, got " + bytes);
      }
      this.compactMinBytes = bytes;
      return this;
    }

    /** For fault-injection tests: the file-system layer under the journal. */
    public Builder storage(Storage storage) {
      if (storage == null) {
        throw new IllegalArgumentException("storage must not be null");
      }
      this.storage = storage;
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

    /** See {@link BrokerOptions#maxMemoryBytes()}; 0 for the default share of the heap. */
    public Builder maxMemoryBytes(long bytes) {
      this.maxMemoryBytes = atLeast("maxMemoryBytes", bytes, 1L << 20);
      return this;
    }

    /** See {@link BrokerOptions#maxQueueBytes()}; 0 for the default share of the memory budget. */
    public Builder maxQueueBytes(long bytes) {
      this.maxQueueBytes = atLeast("maxQueueBytes", bytes, 1024);
      return this;
    }

    /** See {@link BrokerOptions#maxPendingBytes()}; 0 for the default share of the heap. */
    public Builder maxPendingBytes(long bytes) {
      this.maxPendingBytes = atLeast("maxPendingBytes", bytes, 1L << 20);
      return this;
    }

    public Builder maxQueues(int max) {
      this.maxQueues = positive("maxQueues", max);
      return this;
    }

    public Builder maxQueuesPerConnection(int max) {
      this.maxQueuesPerConnection = positive("maxQueuesPerConnection", max);
      return this;
    }

    public Builder maxConsumers(int max) {
      this.maxConsumers = positive("maxConsumers", max);
      return this;
    }

    public Builder maxConsumersPerConnection(int max) {
      this.maxConsumersPerConnection = positive("maxConsumersPerConnection", max);
      return this;
    }

    private static int positive(String name, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be at least 1, got " + value);
      }
      return value;
    }

    /** {@code value} if it is 0 (the default) or at least {@code min}. */
    private static long atLeast(String name, long value, long min) {
      if (value != 0 && value < min) {
        throw new IllegalArgumentException(name + " must be 0 (the default) or at least " + min + ", got " + value);
      }
      return value;
    }

    public BrokerOptions build() {
      if (tlsClientCa != null && tlsCert == null) {
        throw new IllegalArgumentException("tlsClientCa needs TLS: give a certificate and key too");
      }
      // A partial frame's buffer is rounded up to a power of two, so one frame can hold up to twice
      // the limit; twice that again leaves room for a second peer mid-frame.
      long oneFrame = 4L * Math.min(handshakeMaxFrame, maxFrame);
      if (handshakeBufferBudget < oneFrame) {
        throw new IllegalArgumentException("handshakeBufferBudget must be at least 4 x handshakeMaxFrame (" + oneFrame
            + " bytes), got " + handshakeBufferBudget);
      }
      return new BrokerOptions(this);
    }
  }
}
