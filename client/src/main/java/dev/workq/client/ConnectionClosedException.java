package dev.workq.client;

/** The connection to the broker closed before an answer arrived. */
public final class ConnectionClosedException extends WorkqException {

  public ConnectionClosedException(String message) {
    super(message);
  }
}
