package dev.workq.protocol;

/**
 * An error. {@code corr} names the request it answers, or is 0 when it answers none (an ack for an
 * unknown delivery, a bad frame). After a fatal error the broker closes the connection.
 */
public record ErrorReply(long corr, ErrorCode code, String message, boolean fatal) implements Message {

  public ErrorReply {
    if (code == null) {
      code = ErrorCode.INTERNAL_ERROR;
    }
    message = message == null ? "" : message;
  }

  /** The one-line form people see: {@code QUEUE_FULL: queue 'a' holds 10 items (max-length 10)}. */
  public String describe() {
    return code + ": " + message;
  }
}
