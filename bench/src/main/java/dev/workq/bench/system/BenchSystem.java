package dev.workq.bench.system;

import dev.workq.bench.workload.WorkloadResult;
import java.time.Duration;

/**
 * One system under test, as the harness drives it: a server process on loopback with a fresh
 * data directory, {@link RunContext#workers()} worker processes running a no-op handler, and the
 * two workloads run against them. Most systems run them from an in-process submitter
 * ({@link SubmitterSystem}); one whose client cannot live in the JVM runs them in a process of its
 * own with the same rules. The harness owns every process an implementation starts and stops them
 * in {@link #close()}.
 */
public interface BenchSystem extends AutoCloseable {

  /** A short label for the table, e.g. {@code "rabbitmq durable"}. */
  String name();

  /** The settings that make this configuration what it is, for the report. */
  String settings();

  /** Starts the server and the worker processes; returns once the workers are taking tasks. */
  void start(RunContext ctx) throws Exception;

  /** Workload RT: {@code n} tasks round trip with at most {@code window} outstanding. */
  WorkloadResult roundTrip(int n, int payloadSize, int window, Duration timeout) throws Exception;

  /** Workload LAT: {@code n} tasks submitted open loop at {@code rate} per second. */
  WorkloadResult openLoop(int n, int payloadSize, double rate, Duration timeout) throws Exception;

  /** This system's processes by role ({@code server}, {@code worker-0}, ...), for CPU accounting. */
  default java.util.Map<String, Process> processesByRole() {
    return java.util.Map.of();
  }

  /** The server's process id, for profiling and memory figures; -1 when there is none. */
  default long serverPid() {
    return -1;
  }

  /** Stops the workers and the server, by their process handles. Idempotent, never throws. */
  @Override
  void close();
}
