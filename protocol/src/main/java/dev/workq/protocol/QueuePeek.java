package dev.workq.protocol;

/**
 * Lists the first {@code limit} items {@code queue} would hand out, in delivery order (priority,
 * then arrival), without taking them; answered by {@link QueuePeekOk}, or ERROR UNKNOWN_QUEUE.
 */
public record QueuePeek(long corr, String queue, int limit) implements Message, Request {

  /** The most items one peek lists. */
  public static final int MAX_LIMIT = 100;

  public QueuePeek {
    queue = Validate.queue("queue", queue);
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", got " + limit);
    }
  }
}
