package dev.workq.server.internal.core;

/**
 * The limits and defaults the core applies, taken from the broker's options.
 *
 * @param maxQueueLength ready (and not yet durable) items a queue holds before puts get QUEUE_FULL
 * @param maxPayload largest payload accepted in a put, so that its delivery still fits a frame
 * @param maxAttempts deliveries a task gets unless it asks otherwise
 * @param leaseMs lease of a delivery without renewal, unless the task asks otherwise
 * @param retryBackoffMs delay before the first retry of a failed task; doubles per attempt
 * @param retryBackoffMaxMs the longest retry delay
 * @param maxQueueBytes bytes of items one queue holds before puts to it get QUEUE_FULL
 * @param maxMemoryBytes bytes of items the whole broker holds before puts get MEMORY_LIMIT
 * @param maxQueues queues the broker holds before a request that would create one gets QUEUE_LIMIT
 * @param maxQueuesPerConnection queues one connection may create
 * @param maxConsumers consumers over all connections
 * @param maxConsumersPerConnection consumers one connection may hold
 * @param statsPageBytes the most bytes of queues and workers one STATS page carries
 * @param maxPendingBytes bytes of requests read from all connections and not yet handled, past
 *     which the broker stops reading (see {@link InboundBudget})
 */
public record CoreConfig(int maxQueueLength, int maxPayload, int maxAttempts, long leaseMs, long retryBackoffMs,
    long retryBackoffMaxMs, long maxQueueBytes, long maxMemoryBytes, int maxQueues, int maxQueuesPerConnection,
    int maxConsumers, int maxConsumersPerConnection, int statsPageBytes, long maxPendingBytes) {

  /** The timing and size settings above with every budget as large as it goes: for tests of other things. */
  public static CoreConfig unbounded(int maxQueueLength, int maxPayload, int maxAttempts, long leaseMs, long retryBackoffMs,
      long retryBackoffMaxMs) {
    return new CoreConfig(maxQueueLength, maxPayload, maxAttempts, leaseMs, retryBackoffMs, retryBackoffMaxMs, Long.MAX_VALUE,
        Long.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Math.max(4096, maxPayload / 2), Long.MAX_VALUE / 4);
  }

  /**
   * The delay before retrying a task that has failed {@code attempts} times: exponential, capped,
   * with full jitter over its upper half so that tasks failing together do not retry together.
   */
  long backoffMs(int attempts, java.util.Random random) {
    long exp = retryBackoffMs << Math.min(20, Math.max(0, attempts - 1));
    long cap = Math.min(retryBackoffMaxMs, exp < 0 ? retryBackoffMaxMs : exp);
    return cap / 2 + (long) (random.nextDouble() * (cap - cap / 2));
  }
}
