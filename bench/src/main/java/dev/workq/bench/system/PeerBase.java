package dev.workq.bench.system;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the Java-driven peers share: their processes, and starting {@code bench peer-worker}s. */
abstract class PeerBase implements SubmitterSystem {

  protected final List<Process> processes = new ArrayList<>();
  protected Process server;
  protected int port;
  protected RunContext ctx;
  protected long runs;

  /** Starts the server on 127.0.0.1:{@link #port} with data in the work directory. */
  protected abstract void startServer() throws Exception;

  /** Declares queues, streams or whatever the workers and submitter expect. */
  protected void setUp() throws Exception {}

  /** Arguments after {@code peer-worker}. */
  protected abstract List<String> workerArgs();

  /** Blocks until the workers are consuming; default: a short pause. */
  protected void awaitWorkers() throws Exception {
    Thread.sleep(1500);
  }

  @Override
  public final void start(RunContext ctx) throws Exception {
    this.ctx = ctx;
    Files.createDirectories(ctx.workDir());
    port = Procs.freePort();
    startServer();
    setUp();
    for (int i = 0; i < ctx.workers(); i++) {
      List<String> cmd = new ArrayList<>(List.of(ctx.javaCommand(), "-Xmx256m", "-cp", ctx.classpath(), "dev.workq.bench.Bench",
          "peer-worker", "--port", "" + port, "--concurrency", "" + ctx.concurrency(), "--prefetch", "" + ctx.prefetch()));
      cmd.addAll(workerArgs());
      processes.add(Procs.start(cmd, ctx.workDir().resolve("worker-" + i + ".log"), Map.of()));
    }
    awaitWorkers();
    for (Process p : processes) {
      if (!p.isAlive()) {
        throw new IllegalStateException("process " + p.pid() + " exited with " + p.exitValue() + "; see logs in " + ctx.workDir());
      }
    }
  }

  @Override
  public Map<String, Process> processesByRole() {
    Map<String, Process> m = new java.util.LinkedHashMap<>();
    int w = 0;
    for (Process p : processes) {
      if (p == server) {
        m.put("server", p);
      } else if (p.info().command().orElse("").endsWith("java")) {
        m.put("worker-" + w++, p);
      }
    }
    return m;
  }

  @Override
  public long serverPid() {
    return server == null ? -1 : server.pid();
  }

  @Override
  public void close() {
    Procs.stopAll(processes, Duration.ofSeconds(20));
  }
}
