package dev.workq.pool;

import dev.workq.client.ClientOptions;
import dev.workq.client.WorkqClient;
import dev.workq.pool.internal.Classpath;
import dev.workq.pool.internal.LocalWorkers;
import dev.workq.pool.internal.PoolCore;
import dev.workq.pool.internal.TaskTable;
import dev.workq.protocol.Checks;
import dev.workq.protocol.Validate;
import dev.workq.protocol.auth.Authkey;
import dev.workq.server.Broker;
import dev.workq.server.BrokerOptions;
import dev.workq.server.FsyncPolicy;
import java.io.Serializable;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * Settings of a local pool, from {@link WorkqPool#local(int)}; {@link #start()} starts it. Every
 * setter checks its argument and names it in the message.
 */
public final class LocalBuilder {

  /** The most worker processes of one local pool: {@value}. */
  public static final int MAX_PROCESSES = 256;

  private final int processes;
  private final Class<?> caller;
  private int threadsPerProcess = 1;
  private List<String> jvmOptions = WorkqPool.DEFAULT_JVM_OPTIONS;
  private int maxInFlight = WorkqPool.DEFAULT_MAX_IN_FLIGHT;
  private Duration timeout;
  private Duration shutdownGrace = WorkqPool.DEFAULT_SHUTDOWN_GRACE;
  private Duration startTimeout = WorkqPool.DEFAULT_START_TIMEOUT;
  private int maxRestarts;
  private String queue = "pool-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
  private Path journal;
  private final Map<Method, String> registered = new LinkedHashMap<>();

  LocalBuilder(int processes, Class<?> caller) {
    Checks.range("processes", processes, 1, MAX_PROCESSES);
    this.processes = processes;
    this.caller = caller;
    this.maxRestarts = processes;
  }

  /** Task threads in each worker process; default 1 (one task at a time per process, as Python's Pool). */
  public LocalBuilder threadsPerProcess(int threads) {
    Checks.range("threadsPerProcess", threads, 1, 1024);
    this.threadsPerProcess = threads;
    return this;
  }

  /** Options of each worker JVM, replacing the default {@link WorkqPool#DEFAULT_JVM_OPTIONS}. */
  public LocalBuilder jvmOptions(List<String> options) {
    if (options == null || options.stream().anyMatch(java.util.Objects::isNull)) {
      throw new IllegalArgumentException("jvmOptions must be a list of strings, got " + options);
    }
    this.jvmOptions = List.copyOf(options);
    return this;
  }

  /** Tasks submitted and not yet handed to the caller, per pool; default {@value WorkqPool#DEFAULT_MAX_IN_FLIGHT}. */
  public LocalBuilder maxInFlight(int max) {
    Checks.range("maxInFlight", max, 1, 1_000_000);
    this.maxInFlight = max;
    return this;
  }

  /** How long a blocking call ({@code apply}, {@code map}, {@code starmap}) or an iterator's {@code next()} may wait; default none. */
  public LocalBuilder timeout(Duration timeout) {
    this.timeout = timeout == null ? null : Checks.positive("timeout", timeout);
    return this;
  }

  /** Time the workers get at each step of close (after the STOP, after SIGTERM); default 10 s. */
  public LocalBuilder shutdownGrace(Duration grace) {
    this.shutdownGrace = Checks.notNegative("shutdownGrace", grace);
    return this;
  }

  /** Time {@link #start()} waits for every worker to consume the queue; default 60 s. */
  public LocalBuilder startTimeout(Duration timeout) {
    this.startTimeout = Checks.positive("startTimeout", timeout);
    return this;
  }

  /** Workers started in place of ones that exited while the pool was open; default the number of processes. */
  public LocalBuilder maxRestarts(int max) {
    Checks.range("maxRestarts", max, 0, 1_000_000);
    this.maxRestarts = max;
    return this;
  }

  /** The queue the pool's tasks go to; default {@code pool-<random hex>}. */
  public LocalBuilder queue(String queue) {
    this.queue = Validate.queue("queue", queue);
    return this;
  }

  /** Journals the embedded broker's queues in {@code dir} (fsync always), so they survive a crash; default in memory. */
  public LocalBuilder journal(Path dir) {
    if (dir == null) {
      throw new IllegalArgumentException("journal must not be null");
    }
    this.journal = dir;
    return this;
  }

  /**
   * Registers the static method {@code fn} refers to as the task {@code name}, without a
   * {@code @Task} mark; the workers get it as {@code --task name=binaryClassName#method}.
   */
  public <I, O> LocalBuilder task(String name, TaskFn<I, O> fn) {
    return register(name, fn);
  }

  /** As {@link #task(String, TaskFn)}, for a method of two arguments. */
  public <A, B, O> LocalBuilder task(String name, TaskFn2<A, B, O> fn) {
    return register(name, fn);
  }

  private LocalBuilder register(String name, Serializable fn) {
    TaskTable.register(registered, name, fn);
    return this;
  }

  /**
   * Starts the embedded broker (127.0.0.1, a free port, a fresh authkey) and the worker JVMs, and
   * returns once every worker consumes the pool's queue.
   *
   * @throws dev.workq.client.WorkqException if a worker exits first (its pid and status) or not
   *     all consume within the start timeout; everything started is stopped first
   * @throws IllegalStateException if a task class has no class file the workers could load
   */
  public WorkqPool start() {
    List<Class<?>> classes = new ArrayList<>();
    classes.add(caller);
    registered.keySet().forEach(m -> classes.add(m.getDeclaringClass()));
    String classpath = Classpath.forWorkers(classes);
    byte[] key = Authkey.generate();
    BrokerOptions.Builder options = BrokerOptions.builder().host("127.0.0.1").port(0).authkey(key);
    if (journal != null) {
      options.durability(d -> d.dataDir(journal).fsync(FsyncPolicy.ALWAYS));
    }
    Broker broker = Broker.start(options.build());
    WorkqClient client = null;
    try {
      String address = "127.0.0.1:" + broker.port();
      client = WorkqClient.connect(ClientOptions.builder().address(address).authkey(key).name("pool").build());
      PoolCore core = new PoolCore(client, queue, new TaskTable(registered), caller.getClassLoader(), maxInFlight);
      // The caller's own @Task methods go to the workers by name too: their scan skips jars of
      // workq and its libraries, and a program shaded into one jar with workq would lose them.
      Map<Method, String> offered = new LinkedHashMap<>(TaskTable.marked(caller));
      offered.putAll(registered);
      LocalWorkers workers = LocalWorkers.start(new LocalWorkers.Spec(jvmOptions, classpath, address, queue, threadsPerProcess,
          TaskTable.asSpecs(offered), key), processes, maxRestarts, startTimeout, client, core::fail);
      core.offered(client.stats().workers().stream().flatMap(w -> w.handlers().stream()).collect(Collectors.toSet()));
      return new WorkqPool(core, timeout, workers, broker, address, shutdownGrace);
    } catch (RuntimeException | Error e) {
      if (client != null) {
        client.close();
      }
      broker.close();
      throw e;
    }
  }
}
