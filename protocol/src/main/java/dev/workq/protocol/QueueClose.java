package dev.workq.protocol;

/**
 * Closes {@code queue}: from now on a PUT of a task or value on it is refused with
 * QUEUE_CLOSED, and once it has no ready, delayed or running task left, each worker consuming
 * it gets one STOP, and so does each worker that subscribes later. Journaled: a closed queue
 * stays closed across restarts until it is deleted. Closing a closed queue changes nothing.
 * Answered by {@link QueueCloseOk}, or ERROR UNKNOWN_QUEUE.
 */
public record QueueClose(long corr, String queue) implements Message, Request {

  public QueueClose {
    queue = Validate.queue("queue", queue);
  }
}
