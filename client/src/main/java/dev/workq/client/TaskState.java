package dev.workq.client;

/**
 * Where a task is, as {@link WorkqClient#status} reports it. {@link #word()} is the lower-case
 * word the CLI prints ({@code workq status}); DONE, DEAD and CANCELLED are final.
 */
public enum TaskState {
  /** Waiting in its queue for a worker. */
  READY("ready"),
  /** Put with a delay (or a start time) that has not come yet. */
  DELAYED("delayed"),
  /** Delivered to a worker, which holds its lease. */
  RUNNING("running"),
  /** Failed, waiting out its backoff before its next attempt. */
  RETRYING("retrying"),
  /** Finished with a result; final. */
  DONE("done"),
  /** Used its attempts or failed permanently: in its queue's dead letters; final. */
  DEAD("dead"),
  /** Cancelled before it finished; final. */
  CANCELLED("cancelled"),
  /** The broker knows no task by that id: never put, or finished longer ago than its result retention. */
  NOT_FOUND("not-found"),
  /** A state this client does not know, sent by a newer broker. */
  UNKNOWN("unknown");

  private final String word;

  TaskState(String word) {
    this.word = word;
  }

  /** The state as one lower-case word: ready, delayed, running, retrying, done, dead, cancelled, not-found. */
  public String word() {
    return word;
  }

  /** Whether the task has finished: DONE, DEAD or CANCELLED. */
  public boolean finished() {
    return this == DONE || this == DEAD || this == CANCELLED;
  }

  @Override
  public String toString() {
    return word;
  }
}
