package dev.workq.worker.api;

/**
 * A task could not be run, for a reason the worker knows before or around the handler: no such
 * handler, a payload that does not fit, a handler disabled on this worker.
 */
public class HandlerException extends Exception {

  public HandlerException(String message) {
    super(message);
  }

  public HandlerException(String message, Throwable cause) {
    super(message, cause);
  }
}
