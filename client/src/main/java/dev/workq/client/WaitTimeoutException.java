package dev.workq.client;

/**
 * A wait ({@link WorkqClient#result(String, java.time.Duration)}, {@link WorkqClient#join}) ran
 * out of time before the task finished or the queue drained. Nothing was changed: wait again,
 * or cancel.
 */
public final class WaitTimeoutException extends WorkqException {

  private final TaskState state;
  private final long unfinished;

  WaitTimeoutException(String message, TaskState state, long unfinished) {
    super(message);
    this.state = state;
    this.unfinished = unfinished;
  }

  /** For a task wait, the task's state when the time ran out; null for a join. */
  public TaskState state() {
    return state;
  }

  /** For a join, the queue's unfinished tasks when the time ran out; 0 for a task wait. */
  public long unfinished() {
    return unfinished;
  }
}
