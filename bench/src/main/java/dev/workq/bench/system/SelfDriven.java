package dev.workq.bench.system;

import dev.workq.bench.workload.WorkloadResult;
import java.time.Duration;

/**
 * A system whose submitter cannot live in the JVM (Python's multiprocessing managers speak pickle
 * over their own authenticated connections): it runs the workloads in its own submitter process,
 * with the same rules, and reports the same figures.
 */
public interface SelfDriven {

  WorkloadResult roundTrip(int n, int payloadSize, int window, Duration timeout) throws Exception;

  WorkloadResult openLoop(int n, int payloadSize, double rate, Duration timeout) throws Exception;
}
