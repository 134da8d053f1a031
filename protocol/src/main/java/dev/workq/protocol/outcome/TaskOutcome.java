package dev.workq.protocol.outcome;

import dev.workq.protocol.Payload;
import java.util.List;

/**
 * What became of one run of a task: the record a worker puts on the task's done queue, the broker
 * writes when a task is dead-lettered, and the client reads back. Its bytes are defined by
 * {@link TaskOutcomeCodec}; this is the one type that knows the record's shape.
 *
 * <p>The handler's value stays the raw JSON the worker produced, from the worker through the
 * broker to the client, which maps it to a type only when asked: no peer turns it into a tree and
 * back on the way.
 *
 * @param id the task's id
 * @param ok whether the handler returned normally
 * @param value the handler's return value as compact JSON bytes, when ok; null for none (JSON
 *     {@code null} and an absent value mean the same)
 * @param error exception class and message, when not ok
 * @param worker {@code host:pid} of the worker that ran it; null when the broker wrote the record
 * @param attempts deliveries of the task, the one that produced this outcome included
 * @param elapsedMs time the handler ran, in milliseconds
 * @param trace where a failure the worker caught was thrown: stack frames, then "Caused by" lines
 *     each followed by that cause's frames (at most {@link #MAX_TRACE_LINES}); null when absent,
 *     as in every record of a success and every record the broker writes
 */
public record TaskOutcome(String id, boolean ok, Payload value, String error, String worker, int attempts, long elapsedMs,
    List<String> trace) {

  /** The most trace lines a worker writes; a record with more is still read. */
  public static final int MAX_TRACE_LINES = 64;

  public TaskOutcome {
    // JSON null, no bytes and no value are one thing: none.
    if (value != null && (value.length() == 0 || value.length() == 4 && "null".equals(value.utf8()))) {
      value = null;
    }
    if (trace != null) {
      // Not trace.contains(null): an immutable list throws on that question rather than answer it.
      for (String line : trace) {
        if (line == null) {
          throw new IllegalArgumentException("trace lines must not be null");
        }
      }
      trace = List.copyOf(trace);
    }
  }

  /** An outcome without a trace, as every record was before the member was added. */
  public TaskOutcome(String id, boolean ok, Payload value, String error, String worker, int attempts, long elapsedMs) {
    this(id, ok, value, error, worker, attempts, elapsedMs, null);
  }

  /** A handler's normal return of {@code value} (compact JSON bytes; null for none). */
  public static TaskOutcome success(String id, Payload value, String worker, int attempts, long elapsedMs) {
    return new TaskOutcome(id, true, value, null, worker, attempts, elapsedMs);
  }

  /** A failed run, with the error a user reads. */
  public static TaskOutcome failure(String id, String error, String worker, int attempts, long elapsedMs) {
    return new TaskOutcome(id, false, null, error, worker, attempts, elapsedMs);
  }

  /** A failed run the worker caught, with the error a user reads and where it was thrown. */
  public static TaskOutcome failure(String id, String error, String worker, int attempts, long elapsedMs, List<String> trace) {
    return new TaskOutcome(id, false, null, error, worker, attempts, elapsedMs, trace);
  }

  /** The record the broker writes itself for an attempt that produced no usable one (lost worker, oversize result). */
  public static TaskOutcome fromBroker(String id, String error, int attempts) {
    return failure(id, error, null, attempts, 0);
  }

  /** This outcome as the bytes of a result item. */
  public Payload encode() {
    return TaskOutcomeCodec.encode(this);
  }

  /** The handler's value as JSON text, or null for none. */
  public String valueJson() {
    return value == null ? null : value.utf8();
  }
}
