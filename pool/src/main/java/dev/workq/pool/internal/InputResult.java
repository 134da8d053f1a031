package dev.workq.pool.internal;

/** What one input of a call came to: its value, or the failure to throw for it (a {@link dev.workq.pool.TaskFailedException} when the task threw). */
public record InputResult(Object value, RuntimeException failure) {

  /** The value, or the failure thrown. */
  public Object get() {
    if (failure != null) {
      throw failure;
    }
    return value;
  }
}
