package dev.workq.worker.internal;

import dev.workq.worker.api.HandlerException;

/** A task named a handler this worker does not offer. */
public final class UnknownHandlerException extends HandlerException {

  public UnknownHandlerException(String message) {
    super(message);
  }
}
