package dev.workq.pool.internal;

import dev.workq.client.QueueStats;
import dev.workq.client.WorkqClient;
import dev.workq.client.WorkqException;
import dev.workq.protocol.auth.Authkey;
import dev.workq.worker.Worker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker JVMs of a local pool: starts them ({@link PoolWorkerMain} on the program's
 * classpath, the authkey in the environment, never in argv), waits until each consumes the
 * pool's queue, replaces one that exits while the pool is open (up to {@code maxRestarts}, then
 * the pool is broken), and stops them all on {@link #stop}: one STOP each, then SIGTERM, then
 * SIGKILL, each after the grace. A shutdown hook kills them if the program exits without closing
 * the pool.
 */
public final class LocalWorkers {

  private static final Logger log = LoggerFactory.getLogger(LocalWorkers.class);

  /** How the workers are started. */
  public record Spec(List<String> jvmOptions, String classpath, String broker, String queue, int threads,
      Map<String, String> tasks, byte[] authkey) {}

  private final Spec spec;
  private final int maxRestarts;
  private final Consumer<String> onBroken;
  private final List<Process> live = new ArrayList<>();
  private final Thread hook = new Thread(this::kill, "workq-pool-shutdown");
  private int restarts;
  private volatile boolean ready;
  private volatile boolean closing;
  /** The first worker that exited before the pool was ready: what start() reports. */
  private volatile String startFailure;

  private LocalWorkers(Spec spec, int maxRestarts, Consumer<String> onBroken) {
    this.spec = spec;
    this.maxRestarts = maxRestarts;
    this.onBroken = onBroken;
  }

  /**
   * Starts {@code processes} workers and returns once each consumes the queue.
   *
   * @throws WorkqException if one exits first (with its pid and status) or they are not all
   *     consuming within {@code startTimeout}; every process started is stopped first
   */
  public static LocalWorkers start(Spec spec, int processes, int maxRestarts, Duration startTimeout, WorkqClient client,
      Consumer<String> onBroken) {
    LocalWorkers workers = new LocalWorkers(spec, maxRestarts, onBroken);
    Runtime.getRuntime().addShutdownHook(workers.hook);
    try {
      for (int i = 0; i < processes; i++) {
        workers.launch();
      }
      workers.awaitConsuming(client, processes, startTimeout);
      workers.ready = true;
      return workers;
    } catch (RuntimeException | Error e) {
      workers.stop(null, Duration.ZERO);
      throw e;
    }
  }

  private void awaitConsuming(WorkqClient client, int processes, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (startFailure != null) {
        throw new WorkqException(startFailure);
      }
      int consumers = client.stats().queue(spec.queue()).map(QueueStats::consumers).orElse(0);
      if (consumers >= processes) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new WorkqException(consumers + " of " + processes + " pool workers were consuming '" + spec.queue() + "' after "
            + timeout.toSeconds() + " s (startTimeout)");
      }
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WorkqException("interrupted while waiting for the pool's workers", e);
      }
    }
  }

  private synchronized Process launch() {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(spec.jvmOptions());
    cmd.addAll(List.of("-cp", spec.classpath(), PoolWorkerMain.class.getName(), "--broker", spec.broker(), "--queue", spec.queue(),
        "--threads", String.valueOf(spec.threads()), "--parent-pid", String.valueOf(ProcessHandle.current().pid())));
    spec.tasks().forEach((name, target) -> cmd.addAll(List.of("--task", name + "=" + target)));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.INHERIT)
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    // The key travels in the environment: argv is readable by every user through ps.
    pb.environment().put(Authkey.ENV, new String(spec.authkey(), StandardCharsets.US_ASCII));
    Process p;
    try {
      p = pb.start();
      p.getOutputStream().close();
    } catch (IOException e) {
      throw new WorkqException("cannot start a pool worker (" + cmd.get(0) + "): " + e.getMessage(), e);
    }
    live.add(p);
    p.onExit().thenAccept(this::exited);
    return p;
  }

  /** A worker exited: expected while closing; otherwise replaced, or the pool breaks. */
  private void exited(Process p) {
    String why;
    synchronized (this) {
      live.remove(p);
      if (!ready && !closing && startFailure == null) {
        startFailure = "pool worker pid " + p.pid() + " exited with status " + p.exitValue() + " before it was ready";
      }
      if (closing || !ready) {
        return;
      }
      if (p.exitValue() == Worker.EXIT_STOPPED) {
        // It took a STOP the program put on the queue (or was told to stop, SIGTERM), and
        // finished what it held: stopped on purpose, as a Python worker after its sentinel, so
        // not replaced. With none left, new work could only wait forever: say so instead.
        log.info("pool worker pid {} exited with status 0 after a stop; {} workers left", p.pid(), live.size());
        if (!live.isEmpty()) {
          return;
        }
        why = "every worker process of the pool has exited after a stop (the last: pid " + p.pid() + ")";
      } else if (restarts < maxRestarts) {
        restarts++;
        try {
          Process next = launch();
          log.warn("pool worker pid {} exited with status {}; started pid {} in its place (restart {} of {})", p.pid(), p.exitValue(),
              next.pid(), restarts, maxRestarts);
          return;
        } catch (WorkqException e) {
          why = "pool worker pid " + p.pid() + " exited with status " + p.exitValue() + " and could not be replaced: " + e.getMessage();
        }
      } else {
        why = "pool worker pid " + p.pid() + " exited with status " + p.exitValue() + " and the pool has used its " + maxRestarts
            + " restarts (maxRestarts); " + live.size() + " workers left";
      }
    }
    log.warn(why);
    onBroken.accept(why);
  }

  /** Pids of the worker processes alive now. */
  public synchronized List<Long> pids() {
    return live.stream().filter(Process::isAlive).map(Process::pid).toList();
  }

  /**
   * Stops every worker: one STOP each through {@code client} (null: skip), up to {@code grace} to
   * exit, then SIGTERM and {@code grace} again, then SIGKILL. Returns once all have exited (or a
   * few seconds after the SIGKILL).
   */
  public void stop(WorkqClient client, Duration grace) {
    closing = true;
    removeHook();
    List<Process> all = snapshot();
    if (client != null && !all.isEmpty()) {
      try {
        client.stopWorkers(spec.queue(), all.size());
      } catch (RuntimeException e) {
        log.warn("could not send STOP to the pool's workers ({}); terminating them", e.getMessage());
      }
      awaitExit(all, grace);
    }
    all.stream().filter(Process::isAlive).forEach(Process::destroy);
    awaitExit(all, grace);
    all.stream().filter(Process::isAlive).forEach(Process::destroyForcibly);
    awaitExit(all, Duration.ofSeconds(5));
  }

  /** The shutdown hook: the program is exiting without having closed the pool. */
  private void kill() {
    closing = true;
    List<Process> all = snapshot();
    all.forEach(Process::destroy);
    awaitExit(all, Duration.ofSeconds(3));
    all.stream().filter(Process::isAlive).forEach(Process::destroyForcibly);
    awaitExit(all, Duration.ofSeconds(2));
  }

  private synchronized List<Process> snapshot() {
    return List.copyOf(live);
  }

  private void removeHook() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down already: the hook is running or has run, which is fine.
    }
  }

  private static void awaitExit(List<Process> processes, Duration timeout) {
    CompletableFuture<?>[] exits = processes.stream().map(Process::onExit).toArray(CompletableFuture<?>[]::new);
    try {
      CompletableFuture.allOf(exits).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // Still running after the timeout: the caller escalates.
    }
  }
}
