package dev.workq.bench.workload;

/**
 * One measured run. Latencies are in microseconds from the task's intended submit time to its
 * result's arrival at the submitter.
 *
 * @param system     the system's label
 * @param workload   {@code RT} (closed loop, window) or {@code LAT} (open loop at {@code targetRate})
 * @param payload    task payload size in bytes
 * @param tasks      tasks submitted
 * @param targetRate tasks/s asked for (LAT), 0 for RT
 * @param rate       tasks/s achieved: results over the time from first submit to last result
 * @param lost       tasks submitted without a result by the end
 * @param duplicates extra results for an id
 * @param errors     submits refused or failed
 * @param seconds    wall time of the run
 * @param note       why a run ended early, or other caveats; empty when none
 */
public record WorkloadResult(String system, String workload, int payload, long tasks, double targetRate, double rate,
    double p50, double p99, double p999, double max, long lost, long duplicates, long errors, double seconds, String note) {

  /** True when every task came back exactly once and nothing failed. */
  public boolean clean() {
    return lost == 0 && duplicates == 0 && errors == 0;
  }
}
