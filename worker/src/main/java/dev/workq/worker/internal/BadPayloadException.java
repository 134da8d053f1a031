package dev.workq.worker.internal;

import dev.workq.worker.api.HandlerException;

/** A task's payload does not map to its handler's input type. */
public final class BadPayloadException extends HandlerException {

  public BadPayloadException(String message, Throwable cause) {
    super(message, cause);
  }
}
