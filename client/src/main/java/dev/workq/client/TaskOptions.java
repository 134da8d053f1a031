package dev.workq.client;

import dev.workq.protocol.Checks;
import dev.workq.protocol.Put;
import dev.workq.protocol.Validate;
import java.time.Duration;
import java.time.Instant;

/**
 * Per-task settings for {@link WorkqClient#enqueue(String, String, Object, TaskOptions)} and
 * {@link TaskPool#submit(String, String, Object, TaskOptions)}. Immutable; every field left
 * unset takes the broker's default: no delay, priority 0, no deduplication key.
 */
public final class TaskOptions {

  /** All defaults: result to {@code <queue>.done}, broker-default attempts and lease. */
  public static final TaskOptions DEFAULTS = builder().build();

  private final String id;
  private final String doneQueue;
  private final Integer maxAttempts;
  private final Long leaseMs;
  private final Long delayMs;
  private final Instant at;
  private final Integer priority;
  private final String key;

  private TaskOptions(Builder b) {
    this.id = b.id;
    this.doneQueue = b.doneQueue;
    this.maxAttempts = b.maxAttempts;
    this.leaseMs = b.leaseMs;
    this.delayMs = b.delayMs;
    this.at = b.at;
    this.priority = b.priority;
    this.key = b.key;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The task's id; null lets the broker (or, for submit, the client) choose one. */
  public String id() {
    return id;
  }

  /**
   * Where the result goes; null means {@code <queue>.done}. For enqueue only: {@link TaskPool}
   * refuses it, since a submitted task's result comes back to the client that submitted it.
   */
  public String doneQueue() {
    return doneQueue;
  }

  /** Deliveries before the task goes to the dead letters; null means the broker's default. */
  public Integer maxAttempts() {
    return maxAttempts;
  }

  /** Lease of each delivery without renewal, in ms; null means the broker's default. */
  public Long leaseMs() {
    return leaseMs;
  }

  /** How long after the broker accepts it the task becomes ready, in ms; null for at once (or a start time: {@link #at()}). */
  public Long delayMs() {
    return delayMs;
  }

  /** When the task becomes ready, by this client's clock; null for at once (or a delay: {@link #delayMs()}). */
  public Instant at() {
    return at;
  }

  /** 0 to {@value Put#MAX_PRIORITY}, higher first; null means 0. */
  public Integer priority() {
    return priority;
  }

  /** The deduplication key; null for none. */
  public String key() {
    return key;
  }

  /**
   * The delay to put on the wire when the task is submitted at {@code nowMillis} (this client's
   * clock): {@link #delayMs()}, or the time until {@link #at()} (0 when it has passed).
   */
  Long wireDelayMs(long nowMillis) {
    if (at == null) {
      return delayMs;
    }
    long ms = Math.max(0, at.toEpochMilli() - nowMillis);
    if (ms > Put.MAX_DELAY_MS) {
      throw new IllegalArgumentException("at must be at most " + Put.MAX_DELAY_MS / 86_400_000 + " days ahead, got " + at);
    }
    return ms == 0 ? null : ms;
  }

  /** These settings with {@code id}, which the caller has checked. */
  TaskOptions withId(String id) {
    Builder b = toBuilder();
    b.id = id;
    return new TaskOptions(b);
  }

  /** A builder holding these settings, to change a few. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.id = id;
    b.doneQueue = doneQueue;
    b.maxAttempts = maxAttempts;
    b.leaseMs = leaseMs;
    b.delayMs = delayMs;
    b.at = at;
    b.priority = priority;
    b.key = key;
    return b;
  }

  /** Builds {@link TaskOptions}; every setter checks its argument. */
  public static final class Builder {
    private String id;
    private String doneQueue;
    private Integer maxAttempts;
    private Long leaseMs;
    private Long delayMs;
    private Instant at;
    private Integer priority;
    private String key;

    private Builder() {}

    public Builder id(String id) {
      this.id = Validate.text("id", id, 200);
      if (id.isEmpty()) {
        throw new IllegalArgumentException("id must not be empty");
      }
      return this;
    }

    public Builder doneQueue(String doneQueue) {
      this.doneQueue = Validate.queue("doneQueue", doneQueue);
      return this;
    }

    public Builder maxAttempts(int maxAttempts) {
      Checks.range("maxAttempts", maxAttempts, 1, Put.MAX_ATTEMPTS);
      this.maxAttempts = maxAttempts;
      return this;
    }

    public Builder lease(Duration lease) {
      long ms = lease == null ? -1 : lease.toMillis();
      if (ms < Put.MIN_LEASE_MS || ms > Put.MAX_LEASE_MS) {
        throw new IllegalArgumentException("lease must be " + Put.MIN_LEASE_MS + " ms.." + Put.MAX_LEASE_MS + " ms, got " + lease);
      }
      this.leaseMs = ms;
      return this;
    }

    /**
     * The task becomes ready {@code delay} after the broker accepts it (state DELAYED until then),
     * measured by the broker's clock; 0 to {@value Put#MAX_DELAY_MS} ms (366 days), 0 meaning at
     * once. Replaces any {@link #at(Instant)}.
     */
    public Builder delay(Duration delay) {
      long ms = delay == null || delay.isNegative() ? -1 : delay.toMillis();
      if (ms < 0 || ms > Put.MAX_DELAY_MS) {
        throw new IllegalArgumentException("delay must be 0.." + Put.MAX_DELAY_MS / 86_400_000 + " days, got " + delay);
      }
      this.delayMs = ms == 0 ? null : ms;
      this.at = null;
      return this;
    }

    /**
     * The task becomes ready at {@code at}. The protocol carries a delay, not a time: at each
     * submit the client turns {@code at} into the delay from its own clock, so a client clock
     * that is off from the broker's shifts the start by as much (run NTP on both). A time that
     * has passed means at once; one more than 366 days ahead fails the submit. Replaces any
     * {@link #delay(Duration)}.
     */
    public Builder at(Instant at) {
      if (at == null) {
        throw new IllegalArgumentException("at must not be null");
      }
      this.at = at;
      this.delayMs = null;
      return this;
    }

    /** 0 (the default, lowest) to {@value Put#MAX_PRIORITY}: higher priorities are delivered first, FIFO within one. */
    public Builder priority(int priority) {
      Checks.range("priority", priority, 0, Put.MAX_PRIORITY);
      this.priority = priority;
      return this;
    }

    /**
     * A deduplication key (1 to 200 characters), scoped to the queue: while a task put with the
     * same key on the same queue is unfinished, and for the broker's result retention after it
     * finished, another submit with the key queues nothing and gets the first task's id. So a
     * client that retries a submit after a lost answer does not run the task twice.
     */
    public Builder key(String key) {
      this.key = Validate.text("key", key, 200);
      if (key.isEmpty()) {
        throw new IllegalArgumentException("key must not be empty");
      }
      return this;
    }

    public TaskOptions build() {
      return new TaskOptions(this);
    }
  }
}
