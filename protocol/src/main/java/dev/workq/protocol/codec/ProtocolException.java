package dev.workq.protocol.codec;

import dev.workq.protocol.ErrorCode;

/** A frame or message that breaks the protocol. Carries the error code the peer is sent. */
public final class ProtocolException extends RuntimeException {

  private final ErrorCode code;

  public ProtocolException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public ProtocolException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
