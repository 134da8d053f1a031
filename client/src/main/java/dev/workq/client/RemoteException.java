package dev.workq.client;

import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;

/** The broker refused a request; {@link #code()} says why (QUEUE_FULL, INVALID_REQUEST, ...). */
public final class RemoteException extends WorkqException {

  private final ErrorCode code;

  public RemoteException(ErrorReply error) {
    super(error.describe());
    this.code = error.code();
  }

  public ErrorCode code() {
    return code;
  }
}
