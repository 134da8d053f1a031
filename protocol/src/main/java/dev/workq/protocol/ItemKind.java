package dev.workq.protocol;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;

/** What a queue item is. */
public enum ItemKind {
  /** A task for a worker: a handler name and a JSON payload; its result goes to the reply queue. */
  TASK,
  /** The STOP sentinel: taken by exactly one consumer, which the broker then cancels. */
  STOP,
  /** A plain value put on a queue with {@code put}, as in multiprocessing's Queue.put. */
  DATA,
  /** A task's result record on a done queue. */
  RESULT,
  /**
   * A kind this peer does not know, sent by a newer peer: read instead of failing the frame, so a
   * newer broker does not break older clients. Never sent, never journaled; the broker refuses a
   * PUT with it (INVALID_REQUEST) and the Java worker dead-letters a delivery of it.
   */
  @JsonEnumDefaultValue
  UNKNOWN
}
