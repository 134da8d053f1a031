package dev.workq.bench.workload;

import com.fasterxml.jackson.annotation.JsonCreator;

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
 * @param spread     for a row summarising repeats ({@link dev.workq.bench.report.Repeats}), the
 *                   runs' range; for one run (or null, as the Python submitter's JSON leaves it),
 *                   its own figures
 */
public record WorkloadResult(String system, String workload, int payload, long tasks, double targetRate, double rate,
    double p50, double p99, double p999, double max, long lost, long duplicates, long errors, double seconds, String note,
    Spread spread) {

  /** The canonical constructor, named for Jackson: the one-run constructor below is not its creator. */
  @JsonCreator
  public WorkloadResult {
    if (spread == null) {
      spread = Spread.of(rate, p99);
    }
  }

  /** One run. */
  public WorkloadResult(String system, String workload, int payload, long tasks, double targetRate, double rate,
      double p50, double p99, double p999, double max, long lost, long duplicates, long errors, double seconds, String note) {
    this(system, workload, payload, tasks, targetRate, rate, p50, p99, p999, max, lost, duplicates, errors, seconds, note, null);
  }

  /** True when every task came back exactly once and nothing failed. */
  public boolean clean() {
    return lost == 0 && duplicates == 0 && errors == 0;
  }
}
