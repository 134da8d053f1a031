package dev.workq.protocol;

/**
 * Cancels task {@code id}. A READY, DELAYED or RETRYING task is removed; a RUNNING one is
 * revoked from its worker ({@link Revoke}) and its lease ends at once. Either way the task's
 * done queue gets a failed result whose error starts {@code dev.workq.Cancelled}, and its state
 * becomes CANCELLED. A task already finished is left as it is. Answered by {@link TaskCancelOk},
 * or ERROR UNKNOWN_TASK if the broker knows no such task.
 */
public record TaskCancel(long corr, String id) implements Message, Request {

  public TaskCancel {
    id = Validate.text("id", id, 200);
  }
}
