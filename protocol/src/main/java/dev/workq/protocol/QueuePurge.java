package dev.workq.protocol;

/**
 * Removes every ready and delayed item from {@code queue} (tasks, values and pending STOPs), and
 * its dead letters too when {@code deadLetters}. Items in flight are left to finish. Removed
 * tasks are forgotten, not cancelled: no result is filed for them. Answered by
 * {@link QueuePurgeOk}, or ERROR UNKNOWN_QUEUE.
 */
public record QueuePurge(long corr, String queue, boolean deadLetters) implements Message, Request {

  public QueuePurge {
    queue = Validate.queue("queue", queue);
  }
}
