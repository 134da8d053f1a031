package dev.workq.protocol;

/**
 * Deletes a queue. Refused with QUEUE_IN_USE while it has consumers, waiting fetches or items in
 * flight, and with QUEUE_NOT_EMPTY while it holds items (ready, delayed for a retry, or dead
 * letters) unless {@code force}, which deletes them with it. Answered by {@link DeleteQueueOk}.
 */
public record DeleteQueue(long corr, String queue, boolean force) implements Message, Request {

  public DeleteQueue {
    queue = Validate.queue("queue", queue);
  }
}
