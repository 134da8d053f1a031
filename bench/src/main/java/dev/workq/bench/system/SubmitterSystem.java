package dev.workq.bench.system;

import dev.workq.bench.workload.WorkloadResult;
import dev.workq.bench.workload.Workloads;
import java.time.Duration;

/** A system driven from an in-process submitter: the harness's own workload code runs against it. */
public interface SubmitterSystem extends BenchSystem {

  /** Connects a submitter that reports each result's task id to {@code sink}. */
  Submitter submitter(ResultSink sink) throws Exception;

  @Override
  default WorkloadResult roundTrip(int n, int payloadSize, int window, Duration timeout) throws Exception {
    return Workloads.roundTrip(this, n, payloadSize, window, timeout);
  }

  @Override
  default WorkloadResult openLoop(int n, int payloadSize, double rate, Duration timeout) throws Exception {
    return Workloads.openLoop(this, n, payloadSize, rate, timeout);
  }
}
