package dev.workq.client;

import dev.workq.protocol.ErrorCode;

/**
 * The broker refused a request; {@link #code()} says why (QUEUE_FULL, INVALID_REQUEST, ...) and
 * the message is {@code "CODE: the broker's explanation"}.
 */
public final class RemoteException extends WorkqException {

  private final ErrorCode code;

  /** A refusal with {@code code} and the broker's {@code explanation} of it. */
  public RemoteException(ErrorCode code, String explanation) {
    super(code + ": " + explanation);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
