package dev.workq.worker;

/** A worker could not start or lost its broker; the message is one line a person can act on. */
public class WorkerException extends RuntimeException {

  public WorkerException(String message) {
    super(message);
  }

  public WorkerException(String message, Throwable cause) {
    super(message, cause);
  }
}
