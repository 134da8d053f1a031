package dev.workq.server.internal.core;

import dev.workq.server.BrokerOptions;
import dev.workq.server.DeliveryOptions;
import dev.workq.server.LimitOptions;
import java.time.Duration;
import java.util.Random;

/**
 * The limits and defaults the core applies: a view over the broker's {@link DeliveryOptions} and
 * {@link LimitOptions}, in the units the core computes with (milliseconds, bytes), plus the two
 * sizes derived from the frame limit. It holds no copy of an option, so the public options stay
 * the one place a default or a check lives.
 */
public final class CoreConfig {

  /** Room left in a frame for a delivery's header (at most half of max-frame): payloads may use the rest. */
  private static final int PAYLOAD_HEADROOM = 4096;

  private final DeliveryOptions delivery;
  private final LimitOptions limits;
  private final int maxPayload;
  private final int statsPageBytes;

  private CoreConfig(DeliveryOptions delivery, LimitOptions limits, int maxPayload, int statsPageBytes) {
    this.delivery = delivery;
    this.limits = limits;
    this.maxPayload = maxPayload;
    this.statsPageBytes = statsPageBytes;
  }

  /** The core's view of a broker's options: payloads and STATS pages sized to fit its frame limit. */
  public static CoreConfig of(BrokerOptions options) {
    int maxFrame = options.listen().maxFrame();
    int headroom = Math.min(PAYLOAD_HEADROOM, maxFrame / 2);
    return new CoreConfig(options.delivery(), options.limits(), maxFrame - headroom, maxFrame / 2);
  }

  /** The timing and size settings above with every budget as large as it goes: for tests of other things. */
  public static CoreConfig unbounded(int maxQueueLength, int maxPayload, int maxAttempts, long leaseMs, long retryBackoffMs,
      long retryBackoffMaxMs) {
    DeliveryOptions delivery = DeliveryOptions.builder().maxAttempts(maxAttempts).lease(Duration.ofMillis(leaseMs))
        .retryBackoff(Duration.ofMillis(retryBackoffMs), Duration.ofMillis(retryBackoffMaxMs)).build();
    LimitOptions limits = LimitOptions.builder().maxQueueLength(maxQueueLength)
        .maxQueueBytes(Long.MAX_VALUE).maxMemoryBytes(Long.MAX_VALUE).maxPendingBytes(Long.MAX_VALUE / 4)
        .maxQueues(Integer.MAX_VALUE).maxQueuesPerConnection(Integer.MAX_VALUE)
        .maxConsumers(Integer.MAX_VALUE).maxConsumersPerConnection(Integer.MAX_VALUE).build();
    return new CoreConfig(delivery, limits, maxPayload, Math.max(4096, maxPayload / 2));
  }

  /** Ready (and not yet durable) items a queue holds before puts get QUEUE_FULL. */
  public int maxQueueLength() {
    return limits.maxQueueLength();
  }

  /** Largest payload accepted in a put, in bytes, so that its delivery still fits a frame. */
  public int maxPayload() {
    return maxPayload;
  }

  /** Deliveries a task gets unless it asks otherwise. */
  public int maxAttempts() {
    return delivery.maxAttempts();
  }

  /** Lease of a delivery without renewal, unless the task asks otherwise, in ms. */
  public long leaseMs() {
    return delivery.lease().toMillis();
  }

  /** Delay before the first retry of a failed task, in ms; doubles per attempt. */
  public long retryBackoffMs() {
    return delivery.retryBackoff().toMillis();
  }

  /** The longest retry delay, in ms. */
  public long retryBackoffMaxMs() {
    return delivery.retryBackoffMax().toMillis();
  }

  /** Bytes of items one queue holds before puts to it get QUEUE_FULL. */
  public long maxQueueBytes() {
    return limits.maxQueueBytes();
  }

  /** Bytes of items the whole broker holds before puts get MEMORY_LIMIT. */
  public long maxMemoryBytes() {
    return limits.maxMemoryBytes();
  }

  /** Queues the broker holds before a request that would create one gets QUEUE_LIMIT. */
  public int maxQueues() {
    return limits.maxQueues();
  }

  /** Queues one connection may create. */
  public int maxQueuesPerConnection() {
    return limits.maxQueuesPerConnection();
  }

  /** Consumers over all connections. */
  public int maxConsumers() {
    return limits.maxConsumers();
  }

  /** Consumers one connection may hold. */
  public int maxConsumersPerConnection() {
    return limits.maxConsumersPerConnection();
  }

  /** The most bytes of queues and workers one STATS page carries. */
  public int statsPageBytes() {
    return statsPageBytes;
  }

  /**
   * Bytes of requests read from all connections and not yet handled, past which the broker stops
   * reading (see {@link InboundBudget}).
   */
  public long maxPendingBytes() {
    return limits.maxPendingBytes();
  }

  /** How long a finished task's state and result stay findable, in ms (also the dedup window). */
  public long resultRetentionMs() {
    return delivery.resultRetention().toMillis();
  }

  /** Finished tasks retained at most. */
  public int maxRetainedResults() {
    return limits.maxRetainedResults();
  }

  /** Bytes of result records retained at most. */
  public long maxRetainedBytes() {
    return limits.maxRetainedBytes();
  }

  /** Task waits and queue joins one connection may have waiting. */
  public int maxWaitsPerConnection() {
    return limits.maxWaitsPerConnection();
  }

  /** This config with other retention bounds and wait limit: for tests. */
  CoreConfig withTaskLimits(long resultRetentionMs, int maxRetainedResults, long maxRetainedBytes, int maxWaitsPerConnection) {
    DeliveryOptions d = delivery.toBuilder().resultRetention(Duration.ofMillis(resultRetentionMs)).build();
    LimitOptions l = limits.toBuilder().maxRetainedResults(maxRetainedResults).maxRetainedBytes(maxRetainedBytes)
        .maxWaitsPerConnection(maxWaitsPerConnection).build();
    return new CoreConfig(d, l, maxPayload, statsPageBytes);
  }

  /**
   * The delay before retrying a task that has failed {@code attempts} times: exponential, capped,
   * with full jitter over its upper half so that tasks failing together do not retry together.
   */
  long backoffMs(int attempts, Random random) {
    long retryBackoffMs = retryBackoffMs();
    long retryBackoffMaxMs = retryBackoffMaxMs();
    long exp = retryBackoffMs << Math.min(20, Math.max(0, attempts - 1));
    long cap = Math.min(retryBackoffMaxMs, exp < 0 ? retryBackoffMaxMs : exp);
    return cap / 2 + (long) (random.nextDouble() * (cap - cap / 2));
  }

  @Override
  public String toString() {
    return "CoreConfig{maxQueueLength=" + maxQueueLength() + ", maxPayload=" + maxPayload + ", maxAttempts=" + maxAttempts()
        + ", leaseMs=" + leaseMs() + ", retryBackoffMs=" + retryBackoffMs() + ", retryBackoffMaxMs=" + retryBackoffMaxMs()
        + ", maxQueueBytes=" + maxQueueBytes() + ", maxMemoryBytes=" + maxMemoryBytes() + ", maxQueues=" + maxQueues()
        + ", maxQueuesPerConnection=" + maxQueuesPerConnection() + ", maxConsumers=" + maxConsumers()
        + ", maxConsumersPerConnection=" + maxConsumersPerConnection() + ", statsPageBytes=" + statsPageBytes
        + ", maxPendingBytes=" + maxPendingBytes() + ", resultRetentionMs=" + resultRetentionMs() + ", maxRetainedResults="
        + maxRetainedResults() + ", maxRetainedBytes=" + maxRetainedBytes() + ", maxWaitsPerConnection=" + maxWaitsPerConnection()
        + '}';
  }
}
