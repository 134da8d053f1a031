package dev.workq.protocol;

/**
 * Waits up to {@code timeoutMs} until {@code queue} has no unfinished task (none ready, delayed,
 * running or awaiting the journal), as Python's {@code JoinableQueue.join()}; answered by
 * {@link QueueJoinOk}, or ERROR UNKNOWN_QUEUE. Counts against the connection's waits
 * (WAIT_LIMIT), as {@link TaskWait} does.
 */
public record QueueJoin(long corr, String queue, long timeoutMs) implements Message, Request {

  public QueueJoin {
    queue = Validate.queue("queue", queue);
    if (timeoutMs < 0 || timeoutMs > TaskWait.MAX_TIMEOUT_MS) {
      throw new IllegalArgumentException("timeoutMs must be 0.." + TaskWait.MAX_TIMEOUT_MS + ", got " + timeoutMs);
    }
  }
}
