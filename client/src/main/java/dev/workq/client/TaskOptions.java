package dev.workq.client;

import dev.workq.protocol.Checks;
import dev.workq.protocol.Put;
import dev.workq.protocol.Validate;
import java.time.Duration;

/**
 * Per-task settings for {@link WorkqClient#enqueue(String, String, Object, TaskOptions)} and
 * {@link TaskPool#submit(String, String, Object, TaskOptions)}. Immutable; every field left
 * unset takes the broker's default.
 */
public final class TaskOptions {

  /** All defaults: result to {@code <queue>.done}, broker-default attempts and lease. */
  public static final TaskOptions DEFAULTS = builder().build();

  private final String id;
  private final String doneQueue;
  private final Integer maxAttempts;
  private final Long leaseMs;

  private TaskOptions(Builder b) {
    this.id = b.id;
    this.doneQueue = b.doneQueue;
    this.maxAttempts = b.maxAttempts;
    this.leaseMs = b.leaseMs;
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

  /** These settings with {@code id}, which the caller has checked. */
  TaskOptions withId(String id) {
    Builder b = new Builder();
    b.id = id;
    b.doneQueue = doneQueue;
    b.maxAttempts = maxAttempts;
    b.leaseMs = leaseMs;
    return new TaskOptions(b);
  }

  /** Builds {@link TaskOptions}; every setter checks its argument. */
  public static final class Builder {
    private String id;
    private String doneQueue;
    private Integer maxAttempts;
    private Long leaseMs;

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

    public TaskOptions build() {
      return new TaskOptions(this);
    }
  }
}
