package dev.workq.bench.system;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workq.bench.workload.WorkloadResult;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Python's {@code multiprocessing.managers}: a BaseManager serving a task queue and a done queue
 * over TCP, worker processes (threads = concurrency, each with its own connection) looping
 * {@code for task in iter(tasks.get, 'STOP')} and putting each task back on the done queue as its
 * result (payload and all, as workq's echo handler returns its payload), and a Python submitter that runs the workload
 * and prints its figures as one {@code BENCH_RESULT} JSON line. Queues live in memory only;
 * there is no prefetch (each get is a round trip). The script is {@code mp_bench.py}, shipped in
 * this jar and written to the work directory.
 */
public final class PythonSystem implements BenchSystem {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String python;
  private final List<Process> processes = new ArrayList<>();
  private Process server;
  private RunContext ctx;
  private Path script;
  private int port;
  private int runs;

  public PythonSystem() {
    this("python3");
  }

  public PythonSystem(String python) {
    this.python = python;
  }

  @Override
  public String name() {
    return "python mp-managers";
  }

  @Override
  public String settings() {
    return "BaseManager over TCP, queue.Queue task and done queues in memory, worker threads = concurrency, no prefetch, "
        + "result = the task (id, payload) put back on the done queue";
  }

  @Override
  public void start(RunContext ctx) throws Exception {
    this.ctx = ctx;
    Files.createDirectories(ctx.workDir());
    script = ctx.workDir().resolve("mp_bench.py");
    try (InputStream in = PythonSystem.class.getResourceAsStream("/dev/workq/bench/mp_bench.py")) {
      Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    port = Procs.freePort();
    Path log = ctx.workDir().resolve("server.log");
    server = Procs.start(List.of(python, "-u", script.toString(), "server", "--port", "" + port), log, Map.of());
    processes.add(server);
    Procs.waitForLog(log, "serving on", Duration.ofSeconds(20), server);
    for (int i = 0; i < ctx.workers(); i++) {
      processes.add(Procs.start(List.of(python, "-u", script.toString(), "worker", "--port", "" + port, "--concurrency",
          "" + ctx.concurrency()), ctx.workDir().resolve("worker-" + i + ".log"), Map.of()));
    }
    Thread.sleep(1000);
  }

  @Override
  public WorkloadResult roundTrip(int n, int payloadSize, int window, Duration timeout) throws Exception {
    return drive(List.of("rt", "--tasks", "" + n, "--payload", "" + payloadSize, "--window", "" + window,
        "--timeout", "" + timeout.toSeconds()), timeout);
  }

  @Override
  public WorkloadResult openLoop(int n, int payloadSize, double rate, Duration timeout) throws Exception {
    return drive(List.of("lat", "--tasks", "" + n, "--payload", "" + payloadSize, "--rate", "" + rate,
        "--timeout", "" + timeout.toSeconds()), timeout);
  }

  private WorkloadResult drive(List<String> args, Duration timeout) throws Exception {
    Path log = ctx.workDir().resolve("submitter-" + (++runs) + ".log");
    List<String> cmd = new ArrayList<>(List.of(python, "-u", script.toString()));
    cmd.add(args.get(0));
    cmd.addAll(List.of("--port", "" + port));
    cmd.addAll(args.subList(1, args.size()));
    Process p = Procs.start(cmd, log, Map.of());
    if (!p.waitFor(timeout.toSeconds() + 30, TimeUnit.SECONDS)) {
      Procs.stop(p, Duration.ofSeconds(5));
      throw new IllegalStateException("python submitter did not finish; see " + log);
    }
    for (String line : Files.readAllLines(log)) {
      if (line.startsWith("BENCH_RESULT ")) {
        return JSON.readValue(line.substring("BENCH_RESULT ".length()), WorkloadResult.class);
      }
    }
    throw new IllegalStateException("python submitter printed no BENCH_RESULT line; see " + log);
  }

  @Override
  public Map<String, Process> processesByRole() {
    Map<String, Process> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < processes.size(); i++) {
      m.put(processes.get(i) == server ? "server" : "worker-" + (i - 1), processes.get(i));
    }
    return m;
  }

  @Override
  public long serverPid() {
    return server == null ? -1 : server.pid();
  }

  @Override
  public void close() {
    if (server != null && server.isAlive()) {
      try {
        Process stop = Procs.start(List.of(python, script.toString(), "stop", "--port", "" + port, "--count",
            "" + ctx.workers() * ctx.concurrency()), ctx.workDir().resolve("stop.log"), Map.of());
        stop.waitFor(10, TimeUnit.SECONDS);
        for (Process p : processes) {
          if (p != server) {
            p.waitFor(10, TimeUnit.SECONDS);
          }
        }
      } catch (Exception e) {
        // Fall through: the processes are stopped by signal below.
      }
    }
    Procs.stopAll(processes, Duration.ofSeconds(10));
  }
}
