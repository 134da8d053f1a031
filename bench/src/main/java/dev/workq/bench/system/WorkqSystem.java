package dev.workq.bench.system;

import dev.workq.client.ClientOptions;
import dev.workq.client.DeliveryListener;
import dev.workq.client.Delivery;
import dev.workq.client.TaskOptions;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.Payload;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * workq: {@code workq broker} and {@code workq worker} processes from {@code cli/target/workq.jar},
 * the workers running the built-in {@code echo} handler by default (it returns the payload, so the
 * result record carries the payload back, as the peers' workers do); the submitter enqueues tasks
 * with ids {@code b<run>-<n>} whose results go to {@code bench.done}, and consumes that queue
 * (prefetch 1024) acking each result. Another handler (e.g. {@code noop} from the bench handlers
 * jar) can be asked for, for comparisons that are not the fair table.
 */
public class WorkqSystem implements SubmitterSystem {

  static final String QUEUE = "bench";
  static final String DONE = "bench.done";

  /** The built-in handler the fair table uses: it sends the payload back as the result. */
  public static final String DEFAULT_HANDLER = "echo";

  protected final String fsync;
  protected final String handler;
  /** Another build's CLI jar to run instead of the context's, or null: for the baseline rows. */
  private final java.nio.file.Path jar;
  protected final List<Process> processes = new ArrayList<>();
  /** The worker processes, also in {@link #processes}. */
  protected final List<Process> workers = new ArrayList<>();
  protected Process broker;
  /** What the workers and the submitter are given as {@code --broker}: host:port, or a list. */
  protected String address;
  protected RunContext ctx;
  private int runs;

  /** @param fsync {@code always}, {@code batch} or {@code never} */
  public WorkqSystem(String fsync) {
    this(fsync, DEFAULT_HANDLER);
  }

  /**
   * @param fsync   {@code always}, {@code batch} or {@code never}
   * @param handler the handler the tasks ask for; one not built into the worker needs
   *                {@link RunContext#handlersJar()}
   */
  public WorkqSystem(String fsync, String handler) {
    this(fsync, handler, null);
  }

  /**
   * @param jar another build's {@code workq.jar} whose broker and workers to run (the submitter
   *            stays this build's client): the baseline a change is measured against; null runs
   *            {@link RunContext#workqJar()}
   */
  public WorkqSystem(String fsync, String handler, java.nio.file.Path jar) {
    this.fsync = fsync;
    this.handler = handler;
    this.jar = jar;
  }

  @Override
  public String name() {
    return (jar == null ? "workq" : BASELINE) + " fsync=" + fsync;
  }

  /** How baseline rows are named: {@code workq baseline fsync=always}. */
  public static final String BASELINE = "workq baseline";

  protected String jarPath(RunContext ctx) {
    return (jar == null ? ctx.workqJar() : jar.toAbsolutePath()).toString();
  }

  @Override
  public String settings() {
    return (jar == null ? "" : "the build in " + jar + "; ") + "journal on, --fsync " + fsync + "; workers: workq worker --concurrency " + (ctx == null ? "C" : ctx.concurrency())
        + " --prefetch " + (ctx == null ? "P" : ctx.prefetch()) + ", handler " + handler;
  }

  @Override
  public void start(RunContext ctx) throws Exception {
    this.ctx = ctx;
    Files.createDirectories(ctx.workDir());
    startBrokers();
    for (int i = 0; i < ctx.workers(); i++) {
      List<String> worker = new ArrayList<>(List.of(ctx.javaCommand(), "-jar", jarPath(ctx), "worker",
          "--broker", address, "--queue", QUEUE, "--concurrency", "" + ctx.concurrency(),
          "--prefetch", "" + ctx.prefetch(), "--reconnect-timeout", "" + reconnectTimeoutSeconds()));
      if (ctx.handlersJar() != null) {
        worker.addAll(List.of("--handlers", ctx.handlersJar().toString()));
      }
      Process w = Procs.start(worker, ctx.workDir().resolve("worker-" + i + ".log"), Map.of());
      processes.add(w);
      workers.add(w);
    }
    try (WorkqClient c = WorkqClient.connect(address)) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (c.stats().workers().stream().filter(w -> w.handlers().contains(handler)).count() < ctx.workers()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("workq workers did not connect in 30 s; see " + ctx.workDir());
        }
        for (Process p : processes) {
          if (!p.isAlive()) {
            throw new IllegalStateException("workq process " + p.pid() + " exited with " + p.exitValue() + "; see " + ctx.workDir());
          }
        }
        Thread.sleep(100);
      }
    }
  }

  /** How long a worker keeps dialing after losing its broker before it exits. */
  protected int reconnectTimeoutSeconds() {
    return 5;
  }

  /**
   * Starts the broker (one process, fresh data directory), adds it to {@link #processes}, sets
   * {@link #broker} and {@link #address}, and returns once it listens.
   */
  protected void startBrokers() throws Exception {
    int port = Procs.freePort();
    List<String> cmd = new ArrayList<>(List.of(ctx.javaCommand()));
    cmd.addAll(ctx.serverJvmArgs());
    cmd.addAll(List.of("-jar", jarPath(ctx), "broker", "--host", "127.0.0.1", "--port", "" + port,
        "--data-dir", ctx.workDir().resolve("data").toString(), "--fsync", fsync));
    broker = Procs.start(cmd, ctx.workDir().resolve("broker.log"), Map.of());
    processes.add(broker);
    Procs.waitForLog(ctx.workDir().resolve("broker.log"), "listening on", Duration.ofSeconds(30), broker);
    address = "127.0.0.1:" + port;
  }

  @Override
  public Submitter submitter(ResultSink sink) {
    WorkqClient client = WorkqClient.connect(ClientOptions.builder().address(address)
        .requestTimeout(Duration.ofSeconds(60)).build());
    String prefix = "b" + (++runs) + "-";
    client.consume(DONE, 1024, new DeliveryListener() {
      @Override
      public void onDelivery(Delivery d) {
        d.ack();
        String id = d.id();
        if (id != null && id.startsWith(prefix)) {
          sink.onResult(Long.parseLong(id, prefix.length(), id.length(), 10));
        } else {
          sink.onError("result with unexpected id " + id);
        }
      }
    });
    return new Submitter() {
      @Override
      public void submit(long id, byte[] payload) {
        TaskOptions task = TaskOptions.builder().id(prefix + id).doneQueue(DONE).build();
        client.async().enqueue(QUEUE, handler, Payload.wrap(payload), task).whenComplete((ok, e) -> {
          if (e != null) {
            sink.onError(e.toString());
          }
        });
      }

      @Override
      public void close() {
        client.close();
      }
    };
  }

  @Override
  public Map<String, Process> processesByRole() {
    Map<String, Process> m = new java.util.LinkedHashMap<>();
    if (broker != null) {
      m.put("server", broker);
    }
    for (int i = 0; i < workers.size(); i++) {
      m.put("worker-" + i, workers.get(i));
    }
    return m;
  }

  @Override
  public long serverPid() {
    return broker == null ? -1 : broker.pid();
  }

  @Override
  public void close() {
    if (broker != null && broker.isAlive()) {
      try (WorkqClient c = WorkqClient.connect(address)) {
        c.stopWorkers(QUEUE, ctx.workers());
        for (Process p : workers) {
          p.waitFor(10, TimeUnit.SECONDS);
        }
      } catch (Exception e) {
        // Fall through: the processes are stopped by signal below.
      }
    }
    Procs.stopAll(processes, Duration.ofSeconds(10));
    workers.clear();
  }
}
