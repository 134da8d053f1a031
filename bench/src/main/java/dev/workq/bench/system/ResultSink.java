package dev.workq.bench.system;

/** Where a submitter reports what came back. Thread-safe; may be called from any thread. */
public interface ResultSink {

  /** A result for task {@code id} arrived on the done queue (possibly again: a duplicate). */
  void onResult(long id);

  /** A submit was refused or failed (a nack, an error reply); counted, never retried. */
  void onError(String message);
}
