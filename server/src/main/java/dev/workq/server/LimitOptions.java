package dev.workq.server;

import dev.workq.protocol.Checks;
/**
 * The budgets that keep the broker's memory bounded whatever its peers send: items per queue,
 * bytes of items per queue and over the broker, bytes of requests not yet handled, queues,
 * consumers, finished tasks kept for status and wait, and what one connection may hold. The largest payload and the size of a STATS page
 * follow from {@link ListenOptions#maxFrame()}. Immutable; build with {@link #builder()}.
 */
public final class LimitOptions {

  /** Default largest number of ready items one queue holds before a put is refused with QUEUE_FULL. */
  public static final int DEFAULT_MAX_QUEUE_LENGTH = 1_000_000;
  /** Default number of decoded requests one connection may have waiting for the core before the broker stops reading from it. */
  public static final int DEFAULT_MAX_PENDING_PER_CONNECTION = 4096;
  /** Default most deliveries one connection holds unacked, over all its consumers and fetches: 65,536. */
  public static final int DEFAULT_MAX_UNACKED_PER_CONNECTION = 65_536;
  /**
   * Default share of the JVM's max heap that the items the broker holds may take: 25%, leaving
   * room for requests in flight, the results of tasks in flight (accepted past the budget), and
   * a journal compaction's capture of every live item (its fields and a reference to its payload,
   * about 90 bytes an item; no payload is copied).
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
   * Default most finished tasks whose state and result the broker retains: 10,000. Every retained
   * entry is live state the core keeps and each compaction rewrites, so a broker finishing tasks
   * fast holds this many at all times; a tenfold default cost the plain round trip a third of its
   * rate (docs/BENCHMARKS.md).
   */
  public static final int DEFAULT_MAX_RETAINED_RESULTS = 10_000;
  /** Default most bytes of result records the broker retains for finished tasks: 16 MiB. */
  public static final long DEFAULT_MAX_RETAINED_BYTES = 16L << 20;
  /** Default most task waits and queue joins one connection may have waiting at once: 1,024. */
  public static final int DEFAULT_MAX_WAITS_PER_CONNECTION = 1_024;

  private final int maxQueueLength;
  private final int maxPendingPerConnection;
  private final int maxUnackedPerConnection;
  private final long maxMemoryBytes;
  private final long maxQueueBytes;
  private final long maxPendingBytes;
  private final int maxQueues;
  private final int maxQueuesPerConnection;
  private final int maxConsumers;
  private final int maxConsumersPerConnection;
  private final int maxRetainedResults;
  private final long maxRetainedBytes;
  private final int maxWaitsPerConnection;
  /** What the builder was given (0: the default share), so that {@link #toBuilder()} keeps "the default" a default. */
  private final Builder given;

  private LimitOptions(Builder b) {
    this.maxQueueLength = b.maxQueueLength;
    this.maxPendingPerConnection = b.maxPendingPerConnection;
    this.maxUnackedPerConnection = b.maxUnackedPerConnection;
    long heap = Runtime.getRuntime().maxMemory();
    this.maxMemoryBytes = b.maxMemoryBytes > 0 ? b.maxMemoryBytes : (long) (heap * DEFAULT_MEMORY_FRACTION);
    this.maxQueueBytes = b.maxQueueBytes > 0 ? b.maxQueueBytes : (long) (maxMemoryBytes * DEFAULT_QUEUE_MEMORY_FRACTION);
    this.maxPendingBytes = b.maxPendingBytes > 0 ? b.maxPendingBytes : (long) (heap * DEFAULT_PENDING_FRACTION);
    this.maxQueues = b.maxQueues;
    this.maxQueuesPerConnection = b.maxQueuesPerConnection;
    this.maxConsumers = b.maxConsumers;
    this.maxConsumersPerConnection = b.maxConsumersPerConnection;
    this.maxRetainedResults = b.maxRetainedResults;
    this.maxRetainedBytes = b.maxRetainedBytes;
    this.maxWaitsPerConnection = b.maxWaitsPerConnection;
    this.given = new Builder(b);
  }

  /** A builder holding every default. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these options, to change some of them; byte budgets left to their default stay so. */
  public Builder toBuilder() {
    return new Builder(given);
  }

  /** Ready items a queue may hold; a put beyond it fails with QUEUE_FULL. Default 1,000,000. */
  public int maxQueueLength() {
    return maxQueueLength;
  }

  /** Decoded requests one connection may have waiting for the core before the broker stops reading from it; default 4096. */
  public int maxPendingPerConnection() {
    return maxPendingPerConnection;
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
   * Finished tasks whose state and result the broker retains (see
   * {@link DeliveryOptions#resultRetention()}); past it the oldest are dropped first. Default 100,000; 0 keeps none.
   */
  public int maxRetainedResults() {
    return maxRetainedResults;
  }

  /** Bytes of retained result records; past it the oldest are dropped first. Default 64 MiB; 0 keeps none. */
  public long maxRetainedBytes() {
    return maxRetainedBytes;
  }

  /** Task waits and queue joins one connection may have waiting at once; one more gets WAIT_LIMIT. Default 1,024. */
  public int maxWaitsPerConnection() {
    return maxWaitsPerConnection;
  }

  /** Builds {@link LimitOptions}; every setter checks its argument and names it in the message. */
  public static final class Builder {
    private int maxQueueLength = DEFAULT_MAX_QUEUE_LENGTH;
    private int maxPendingPerConnection = DEFAULT_MAX_PENDING_PER_CONNECTION;
    private int maxUnackedPerConnection = DEFAULT_MAX_UNACKED_PER_CONNECTION;
    private long maxMemoryBytes;
    private long maxQueueBytes;
    private long maxPendingBytes;
    private int maxQueues = DEFAULT_MAX_QUEUES;
    private int maxQueuesPerConnection = DEFAULT_MAX_QUEUES_PER_CONNECTION;
    private int maxConsumers = DEFAULT_MAX_CONSUMERS;
    private int maxConsumersPerConnection = DEFAULT_MAX_CONSUMERS_PER_CONNECTION;
    private int maxRetainedResults = DEFAULT_MAX_RETAINED_RESULTS;
    private long maxRetainedBytes = DEFAULT_MAX_RETAINED_BYTES;
    private int maxWaitsPerConnection = DEFAULT_MAX_WAITS_PER_CONNECTION;

    private Builder() {}

    private Builder(Builder o) {
      this.maxQueueLength = o.maxQueueLength;
      this.maxPendingPerConnection = o.maxPendingPerConnection;
      this.maxUnackedPerConnection = o.maxUnackedPerConnection;
      this.maxMemoryBytes = o.maxMemoryBytes;
      this.maxQueueBytes = o.maxQueueBytes;
      this.maxPendingBytes = o.maxPendingBytes;
      this.maxQueues = o.maxQueues;
      this.maxQueuesPerConnection = o.maxQueuesPerConnection;
      this.maxConsumers = o.maxConsumers;
      this.maxConsumersPerConnection = o.maxConsumersPerConnection;
      this.maxRetainedResults = o.maxRetainedResults;
      this.maxRetainedBytes = o.maxRetainedBytes;
      this.maxWaitsPerConnection = o.maxWaitsPerConnection;
    }

    /** See {@link LimitOptions#maxQueueLength()}; at least 1. */
    public Builder maxQueueLength(int maxQueueLength) {
      Checks.atLeast("maxQueueLength", maxQueueLength, 1);
      this.maxQueueLength = maxQueueLength;
      return this;
    }

    /** See {@link LimitOptions#maxPendingPerConnection()}; at least 16. */
    public Builder maxPendingPerConnection(int maxPending) {
      Checks.atLeast("maxPendingPerConnection", maxPending, 16);
      this.maxPendingPerConnection = maxPending;
      return this;
    }

    /** See {@link LimitOptions#maxUnackedPerConnection()}; at least 1. */
    public Builder maxUnackedPerConnection(int max) {
      this.maxUnackedPerConnection = positive("maxUnackedPerConnection", max);
      return this;
    }

    /** See {@link LimitOptions#maxMemoryBytes()}; 0 for the default share of the heap, else at least 1 MiB. */
    public Builder maxMemoryBytes(long bytes) {
      this.maxMemoryBytes = atLeast("maxMemoryBytes", bytes, 1L << 20);
      return this;
    }

    /** See {@link LimitOptions#maxQueueBytes()}; 0 for the default share of the memory budget, else at least 1 KiB. */
    public Builder maxQueueBytes(long bytes) {
      this.maxQueueBytes = atLeast("maxQueueBytes", bytes, 1024);
      return this;
    }

    /** See {@link LimitOptions#maxPendingBytes()}; 0 for the default share of the heap, else at least 1 MiB. */
    public Builder maxPendingBytes(long bytes) {
      this.maxPendingBytes = atLeast("maxPendingBytes", bytes, 1L << 20);
      return this;
    }

    /** See {@link LimitOptions#maxQueues()}; at least 1. */
    public Builder maxQueues(int max) {
      this.maxQueues = positive("maxQueues", max);
      return this;
    }

    /** See {@link LimitOptions#maxQueuesPerConnection()}; at least 1. */
    public Builder maxQueuesPerConnection(int max) {
      this.maxQueuesPerConnection = positive("maxQueuesPerConnection", max);
      return this;
    }

    /** See {@link LimitOptions#maxConsumers()}; at least 1. */
    public Builder maxConsumers(int max) {
      this.maxConsumers = positive("maxConsumers", max);
      return this;
    }

    /** See {@link LimitOptions#maxConsumersPerConnection()}; at least 1. */
    public Builder maxConsumersPerConnection(int max) {
      this.maxConsumersPerConnection = positive("maxConsumersPerConnection", max);
      return this;
    }

    /** See {@link LimitOptions#maxRetainedResults()}; at least 0. */
    public Builder maxRetainedResults(int max) {
      Checks.atLeast("maxRetainedResults", max, 0);
      this.maxRetainedResults = max;
      return this;
    }

    /** See {@link LimitOptions#maxRetainedBytes()}; at least 0. */
    public Builder maxRetainedBytes(long max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxRetainedBytes must be at least 0, got " + max);
      }
      this.maxRetainedBytes = max;
      return this;
    }

    /** See {@link LimitOptions#maxWaitsPerConnection()}; at least 1. */
    public Builder maxWaitsPerConnection(int max) {
      this.maxWaitsPerConnection = positive("maxWaitsPerConnection", max);
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

    /** The immutable options, with the byte budgets left at 0 resolved against this JVM's max heap. */
    public LimitOptions build() {
      return new LimitOptions(this);
    }
  }
}
