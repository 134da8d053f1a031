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
 */
public record CoreConfig(int maxQueueLength, int maxPayload, int maxAttempts, long leaseMs, long retryBackoffMs,
    long retryBackoffMaxMs) {

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
