package dev.workq.protocol;

/** What a queue item is. */
public enum ItemKind {
  /** A task for a worker: a handler name and a JSON payload; its result goes to the reply queue. */
  TASK,
  /** The STOP sentinel: taken by exactly one consumer, which the broker then cancels. */
  STOP,
  /** A plain value put on a queue with {@code put}, as in multiprocessing's Queue.put. */
  DATA,
  /** A task's result record on a done queue. */
  RESULT
}
