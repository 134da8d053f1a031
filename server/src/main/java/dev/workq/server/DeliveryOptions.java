package dev.workq.server;

import dev.workq.protocol.Checks;
import dev.workq.protocol.Put;
import java.time.Duration;

/**
 * How the broker hands tasks out when the task does not say otherwise: how often a task is
 * delivered before it goes to the dead letters, how long a delivery's lease lasts, and how long
 * a failed task waits before its retry. Immutable; build with {@link #builder()}.
 */
public final class DeliveryOptions {

  /** Default deliveries a task gets before it goes to the dead letters: 3. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  /** Default lease of a delivery without renewal: 30 s. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
  /** Default delay before the first retry of a failed task: 1 s, doubling per attempt. */
  public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(1);
  /** Default longest retry delay: 5 min. */
  public static final Duration DEFAULT_RETRY_BACKOFF_MAX = Duration.ofMinutes(5);
  /** Default time a finished task's state and result stay findable by id (and its dedup key taken): 1 h. */
  public static final Duration DEFAULT_RESULT_RETENTION = Duration.ofHours(1);
  /** Longest result retention: 30 days. */
  public static final Duration MAX_RESULT_RETENTION = Duration.ofDays(30);

  private final int maxAttempts;
  private final Duration lease;
  private final Duration retryBackoff;
  private final Duration retryBackoffMax;
  private final Duration resultRetention;

  private DeliveryOptions(Builder b) {
    this.maxAttempts = b.maxAttempts;
    this.lease = b.lease;
    this.retryBackoff = b.retryBackoff;
    this.retryBackoffMax = b.retryBackoffMax;
    this.resultRetention = b.resultRetention;
  }

  /** A builder holding every default. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these options, to change some of them. */
  public Builder toBuilder() {
    return new Builder(this);
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

  /**
   * How long a finished (done, dead or cancelled) task's state and result record stay findable by
   * id for status and wait, after it finished; also the dedup window: its key keeps deduplicating
   * for as long. Bounded as well by {@link LimitOptions#maxRetainedResults()} and
   * {@link LimitOptions#maxRetainedBytes()}. Journaled: survives restarts. Default 1 h; 0 keeps none.
   */
  public Duration resultRetention() {
    return resultRetention;
  }

  /** Builds {@link DeliveryOptions}; every setter checks its argument and names it in the message. */
  public static final class Builder {
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration lease = DEFAULT_LEASE;
    private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
    private Duration retryBackoffMax = DEFAULT_RETRY_BACKOFF_MAX;
    private Duration resultRetention = DEFAULT_RESULT_RETENTION;

    private Builder() {}

    private Builder(DeliveryOptions o) {
      this.maxAttempts = o.maxAttempts;
      this.lease = o.lease;
      this.retryBackoff = o.retryBackoff;
      this.retryBackoffMax = o.retryBackoffMax;
      this.resultRetention = o.resultRetention;
    }

    /** See {@link DeliveryOptions#maxAttempts()}; 1..{@value Put#MAX_ATTEMPTS}. */
    public Builder maxAttempts(int maxAttempts) {
      Checks.range("maxAttempts", maxAttempts, 1, Put.MAX_ATTEMPTS);
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** See {@link DeliveryOptions#lease()}; {@value Put#MIN_LEASE_MS} ms..1 day. */
    public Builder lease(Duration lease) {
      if (lease == null || lease.toMillis() < Put.MIN_LEASE_MS || lease.toMillis() > Put.MAX_LEASE_MS) {
        throw new IllegalArgumentException("lease must be " + Put.MIN_LEASE_MS + " ms.." + Put.MAX_LEASE_MS + " ms, got " + lease);
      }
      this.lease = lease;
      return this;
    }

    /** See {@link DeliveryOptions#retryBackoff()} and {@link DeliveryOptions#retryBackoffMax()}; 0 ≤ first ≤ max. */
    public Builder retryBackoff(Duration first, Duration max) {
      if (first == null || max == null || first.isNegative() || max.compareTo(first) < 0) {
        throw new IllegalArgumentException("retryBackoff must be non-negative and at most its max, got " + first + " and " + max);
      }
      this.retryBackoff = first;
      this.retryBackoffMax = max;
      return this;
    }

    /** See {@link DeliveryOptions#resultRetention()}; 0..30 days. */
    public Builder resultRetention(Duration retention) {
      if (retention == null || retention.isNegative() || retention.compareTo(MAX_RESULT_RETENTION) > 0) {
        throw new IllegalArgumentException("resultRetention must be 0.." + MAX_RESULT_RETENTION + ", got " + retention);
      }
      this.resultRetention = retention;
      return this;
    }

    /** The immutable options. */
    public DeliveryOptions build() {
      return new DeliveryOptions(this);
    }
  }
}
