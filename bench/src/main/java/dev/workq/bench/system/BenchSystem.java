package dev.workq.bench.system;

/**
 * One system under test, as the harness drives it: a server process on loopback with a fresh
 * data directory, {@link RunContext#workers()} worker processes running a no-op handler, and an
 * in-process submitter that puts tasks on the task queue and hears about results arriving on the
 * done queue. The harness owns every process an implementation starts and stops them in
 * {@link #close()}.
 */
public interface BenchSystem extends AutoCloseable {

  /** A short label for the table, e.g. {@code "rabbitmq durable"}. */
  String name();

  /** The settings that make this configuration what it is, for the report. */
  String settings();

  /** Starts the server and the worker processes; returns once the workers are taking tasks. */
  void start(RunContext ctx) throws Exception;

  /** Connects a submitter that reports each result's task id to {@code sink}. */
  Submitter submitter(ResultSink sink) throws Exception;

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
