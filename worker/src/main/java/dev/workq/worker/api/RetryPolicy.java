package dev.workq.worker.api;

import dev.workq.protocol.Complete;
import java.time.Duration;

/**
 * How a handler's failed tasks are retried, on top of each task's own {@code maxAttempts} (which
 * the broker enforces; the smaller limit wins). Immutable. {@link #BROKER} (the default of
 * {@link TaskHandler#retryPolicy()}) leaves both to the broker: the task's attempts (default 3)
 * and the broker's backoff.
 *
 * <pre>{@code
 * public RetryPolicy retryPolicy() {
 *   // At most 5 attempts, 1 s, 2 s, 4 s, 8 s apart (capped at 1 min).
 *   return RetryPolicy.maxAttempts(5).withBackoff(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1));
 * }
 * }</pre>
 */
public final class RetryPolicy {

  /** The broker decides: no attempt limit of the handler's own, the broker's backoff. */
  public static final RetryPolicy BROKER = new RetryPolicy(0, null, 1.0, null);

  /** The longest backoff a worker may ask for: one day (the protocol's limit). */
  public static final Duration MAX_BACKOFF = Duration.ofMillis(Complete.MAX_RETRY_MS);

  private final int maxAttempts;
  private final Duration initial;
  private final double multiplier;
  private final Duration max;

  private RetryPolicy(int maxAttempts, Duration initial, double multiplier, Duration max) {
    this.maxAttempts = maxAttempts;
    this.initial = initial;
    this.multiplier = multiplier;
    this.max = max;
  }

  /**
   * At most {@code attempts} deliveries (1 = never retried), with the broker's backoff between them.
   * The failure of the last one is sent as permanent, so the task goes to the dead letters then.
   */
  public static RetryPolicy maxAttempts(int attempts) {
    if (attempts < 1 || attempts > 1000) {
      throw new IllegalArgumentException("attempts must be 1..1000, got " + attempts);
    }
    return new RetryPolicy(attempts, null, 1.0, null);
  }

  /**
   * The same attempts, with the handler's own backoff: the next attempt starts no sooner than
   * {@code initial} after the first failure, {@code initial * multiplier} after the second, and so
   * on, never more than {@code max} (at most {@link #MAX_BACKOFF}).
   */
  public RetryPolicy withBackoff(Duration initial, double multiplier, Duration max) {
    if (initial == null || initial.isNegative()) {
      throw new IllegalArgumentException("initial must be 0 or more, got " + initial);
    }
    if (!(multiplier >= 1.0 && multiplier <= 100.0)) {
      throw new IllegalArgumentException("multiplier must be 1..100, got " + multiplier);
    }
    if (max == null || max.compareTo(initial) < 0 || max.compareTo(MAX_BACKOFF) > 0) {
      throw new IllegalArgumentException("max must be " + initial + ".." + MAX_BACKOFF + ", got " + max);
    }
    return new RetryPolicy(maxAttempts, initial, multiplier, max);
  }

  /** The handler's limit on deliveries; 0 means none of its own (the task's maxAttempts applies). */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** Whether a failure of delivery {@code attempt} (1 for the first) should not be retried. */
  public boolean exhausted(int attempt) {
    return maxAttempts > 0 && attempt >= maxAttempts;
  }

  /**
   * The wait before the attempt after {@code attempt} (1 for the first) failed, or null for the
   * broker's backoff.
   */
  public Duration backoff(int attempt) {
    if (initial == null) {
      return null;
    }
    double ms = initial.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
    return ms >= max.toMillis() ? max : Duration.ofMillis((long) ms);
  }

  @Override
  public String toString() {
    return initial == null
        ? "RetryPolicy[maxAttempts=" + maxAttempts + ", broker backoff]"
        : "RetryPolicy[maxAttempts=" + maxAttempts + ", backoff " + initial.toMillis() + " ms x" + multiplier + " up to "
            + max.toMillis() + " ms]";
  }
}
