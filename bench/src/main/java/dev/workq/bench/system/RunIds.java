package dev.workq.bench.system;

/**
 * Peer message ids: {@code run << 40 | task}, so a result left over from an earlier run on the
 * same server is reported as an error instead of being counted for a task of this run.
 */
final class RunIds {

  private final long run;

  RunIds(long run) {
    this.run = run;
  }

  long encode(long task) {
    return run << Procs.RUN_SHIFT | task;
  }

  void deliver(byte[] body, ResultSink sink) {
    long id = Procs.idOf(body);
    if (id >>> Procs.RUN_SHIFT != run) {
      sink.onError("result from another run: " + Long.toHexString(id));
    } else {
      sink.onResult(id & ((1L << Procs.RUN_SHIFT) - 1));
    }
  }
}
