package dev.workq.server;

/** The broker could not start or run: the message says why in one line. */
public final class BrokerException extends RuntimeException {

  public BrokerException(String message) {
    super(message);
  }

  public BrokerException(String message, Throwable cause) {
    super(message, cause);
  }
}
