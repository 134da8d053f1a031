package dev.workq.protocol;

/**
 * Waits up to {@code timeoutMs} for task {@code id} to finish; answered by {@link TaskWaitOk}
 * once it has (at once if it already has and is still retained), or when the time is up, or by
 * ERROR UNKNOWN_TASK if the broker knows no such task. Waiting takes nothing off any queue: the
 * task's result stays on its done queue. A connection may have at most the broker's
 * {@code maxWaits} waits and joins at once (WAIT_LIMIT).
 */
public record TaskWait(long corr, String id, long timeoutMs) implements Message, Request {

  /** The longest a wait may last: one hour. */
  public static final long MAX_TIMEOUT_MS = 3_600_000;

  public TaskWait {
    id = Validate.text("id", id, 200);
    if (timeoutMs < 0 || timeoutMs > MAX_TIMEOUT_MS) {
      throw new IllegalArgumentException("timeoutMs must be 0.." + MAX_TIMEOUT_MS + ", got " + timeoutMs);
    }
  }
}
