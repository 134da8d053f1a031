package dev.workq.protocol;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;

/**
 * Where a task is, as {@link TaskStatusOk} and {@link TaskWaitOk} report it. DONE, DEAD and
 * CANCELLED are final; the broker keeps a finished task's state and result for its result
 * retention time (§9 of docs/PROTOCOL.md), then answers NOT_FOUND.
 */
public enum TaskState {
  /** Waiting in its queue for a worker. */
  READY(1),
  /** Put with a delay (or a start time) that has not come yet. */
  DELAYED(2),
  /** Delivered to a worker, which holds its lease. */
  RUNNING(3),
  /** Failed and waiting out its backoff before its next attempt. */
  RETRYING(4),
  /** Finished with a result; final. */
  DONE(5),
  /** Used its attempts, or failed permanently: in its queue's dead letters; final. */
  DEAD(6),
  /** Cancelled before it finished; final. */
  CANCELLED(7),
  /** The broker knows no task by that id: never put, or finished longer ago than its retention. */
  NOT_FOUND(8),
  /** A state this peer does not know, sent by a newer broker. Never sent. */
  @JsonEnumDefaultValue
  UNKNOWN(0);

  private static final TaskState[] BY_CODE = new TaskState[9];

  static {
    for (TaskState s : values()) {
      BY_CODE[s.code] = s;
    }
  }

  private final int code;

  TaskState(int code) {
    this.code = code;
  }

  /** Its byte in protocol 2's binary layouts; codes never change meaning. */
  public int code() {
    return code;
  }

  /** The state with {@code code}; any byte no state has reads as UNKNOWN. */
  public static TaskState ofCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : UNKNOWN;
  }

  /** Whether the task has finished: DONE, DEAD or CANCELLED. */
  public boolean finished() {
    return this == DONE || this == DEAD || this == CANCELLED;
  }
}
