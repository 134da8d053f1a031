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
 * @param priority 0 to {@value #MAX_PRIORITY}, higher first (FIFO within a priority); null means 0
 * @param delayMs the item becomes ready this many ms after the broker accepts it (DELAYED until
 *     then); null or 0 means at once. At most {@value #MAX_DELAY_MS} (one year)
 * @param key a deduplication key: while a task put with the same key on the same queue is
 *     unfinished, and for the broker's dedup window after it finished, a PUT with the key queues
 *     nothing and is answered with the first task's id
 * @param payload the item's bytes (JSON by convention), not parsed by the broker
 */
@JsonIgnoreProperties({"payload"})
public record Put(long corr, String queue, ItemKind kind, String id, String handler, String replyTo,
    Integer maxAttempts, Long leaseMs, Integer priority, Long delayMs, String key, Payload payload)
    implements Message, Request, PayloadMessage {

  /** The most attempts a task may ask for. */
  public static final int MAX_ATTEMPTS = 100;
  /** Lease bounds a task may ask for: 100 ms to 24 h. */
  public static final long MIN_LEASE_MS = 100;
  public static final long MAX_LEASE_MS = 86_400_000;
  /** The highest priority; 0 is the lowest and the default. */
  public static final int MAX_PRIORITY = 9;
  /** The longest delay: 366 days. */
  public static final long MAX_DELAY_MS = 366L * 86_400_000;

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
    if (priority != null && (priority < 0 || priority > MAX_PRIORITY)) {
      throw new IllegalArgumentException("priority must be 0.." + MAX_PRIORITY + ", got " + priority);
    }
    if (delayMs != null && (delayMs < 0 || delayMs > MAX_DELAY_MS)) {
      throw new IllegalArgumentException("delayMs must be 0.." + MAX_DELAY_MS + ", got " + delayMs);
    }
    if (key != null) {
      key = Validate.text("key", key, 200);
      if (key.isEmpty()) {
        throw new IllegalArgumentException("key must not be empty; leave it out for no deduplication");
      }
    }
    payload = payload == null ? Payload.EMPTY : payload;
  }

  /** A put with the default priority, no delay and no deduplication key. */
  public Put(long corr, String queue, ItemKind kind, String id, String handler, String replyTo, Integer maxAttempts,
      Long leaseMs, Payload payload) {
    this(corr, queue, kind, id, handler, replyTo, maxAttempts, leaseMs, null, null, null, payload);
  }

  @Override
  public Put withPayload(Payload payload) {
    return new Put(corr, queue, kind, id, handler, replyTo, maxAttempts, leaseMs, priority, delayMs, key, payload);
  }
}
