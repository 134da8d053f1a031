package dev.workq.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Puts one item on a queue; answered by {@link PutOk} or {@link ErrorReply} with the same corr.
 *
 * @param corr request id chosen by the sender, echoed in the answer
 * @param queue the queue, created on first use
 * @param kind TASK, STOP or DATA (RESULT items are made by the broker from {@link Complete})
 * @param id item id; when null the broker assigns one
 * @param handler the handler name, for tasks
 * @param replyTo the queue a task's result goes to; null means {@code <queue>.done}
 * @param maxAttempts deliveries a task gets before it goes to the dead letters; null means the
 *     broker's default
 * @param leaseMs how long a delivery of the task stays leased without a renewal; null means the
 *     broker's default
 * @param payload the item's bytes (JSON by convention), not parsed by the broker
 */
@JsonIgnoreProperties({"payload"})
public record Put(long corr, String queue, ItemKind kind, String id, String handler, String replyTo,
    Integer maxAttempts, Long leaseMs, Payload payload) implements Message, Request, PayloadMessage {

  /** The most attempts a task may ask for. */
  public static final int MAX_ATTEMPTS = 100;
  /** Lease bounds a task may ask for: 100 ms to 24 h. */
  public static final long MIN_LEASE_MS = 100;
  public static final long MAX_LEASE_MS = 86_400_000;

  public Put {
    queue = Validate.queue("queue", queue);
    if (kind == null || kind == ItemKind.RESULT) {
      throw new IllegalArgumentException("kind must be TASK, STOP or DATA, got " + kind);
    }
    if (id != null) {
      id = Validate.text("id", id, 200);
      if (id.isEmpty()) {
        throw new IllegalArgumentException("id must not be empty; leave it out to let the broker choose");
      }
    }
    if (kind == ItemKind.TASK || handler != null) {
      handler = Validate.name("handler", handler);
    }
    if (replyTo != null) {
      replyTo = Validate.queue("replyTo", replyTo);
    }
    if (maxAttempts != null && (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS)) {
      throw new IllegalArgumentException("maxAttempts must be 1.." + MAX_ATTEMPTS + ", got " + maxAttempts);
    }
    if (leaseMs != null && (leaseMs < MIN_LEASE_MS || leaseMs > MAX_LEASE_MS)) {
      throw new IllegalArgumentException("leaseMs must be " + MIN_LEASE_MS + ".." + MAX_LEASE_MS + ", got " + leaseMs);
    }
    payload = payload == null ? Payload.EMPTY : payload;
  }

  @Override
  public Put withPayload(Payload payload) {
    return new Put(corr, queue, kind, id, handler, replyTo, maxAttempts, leaseMs, payload);
  }
}
