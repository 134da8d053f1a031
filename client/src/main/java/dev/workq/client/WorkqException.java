package dev.workq.client;

/** A failure talking to the broker; the message is one line a person can act on. */
public class WorkqException extends RuntimeException {

  public WorkqException(String message) {
    super(message);
  }

  public WorkqException(String message, Throwable cause) {
    super(message, cause);
  }
}
