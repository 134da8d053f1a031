package dev.workq.worker.api;

/**
 * Thrown by a handler to say "retrying cannot help": bad input, a record that no longer exists, a
 * request the handler refuses. The task fails at once, without the retries its attempts would
 * allow: it goes to its queue's dead letters and its failed result (with this exception's class and
 * message as the error) to its done queue. Any other exception is retried, within the task's
 * attempts and the handler's {@link RetryPolicy}. Also recognised as the cause of what a handler
 * throws (a wrapped PermanentFailure counts).
 */
public class PermanentFailure extends RuntimeException {

  public PermanentFailure(String message) {
    super(message);
  }

  public PermanentFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
