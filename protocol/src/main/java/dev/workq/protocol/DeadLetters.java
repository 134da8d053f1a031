package dev.workq.protocol;

import java.util.List;

/**
 * Lists, requeues or purges a queue's dead letters. Answered by {@link DeadLettersReply}.
 *
 * @param action LIST (non-destructive), REQUEUE (back to the queue with fresh attempts) or PURGE
 * @param ids the dead letters to act on; null or empty means all of them
 * @param limit for LIST, the most items returned; 0 means 100. The broker may return fewer so
 *     the answer fits a frame
 */
public record DeadLetters(long corr, String queue, Action action, List<String> ids, int limit) implements Message, Request {

  /** The most items one LIST returns. */
  public static final int MAX_LIMIT = 10_000;

  /** What to do with the dead letters. */
  public enum Action {
    LIST,
    REQUEUE,
    PURGE
  }

  public DeadLetters {
    queue = Validate.queue("queue", queue);
    if (action == null) {
      throw new IllegalArgumentException("action is required");
    }
    ids = ids == null ? List.of() : List.copyOf(ids);
    if (limit < 0 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 0.." + MAX_LIMIT + ", got " + limit);
    }
  }
}
