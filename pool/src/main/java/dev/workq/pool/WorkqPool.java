package dev.workq.pool;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import dev.workq.client.ClientOptions;
import dev.workq.client.WorkqClient;
import dev.workq.pool.internal.Callers;
import dev.workq.pool.internal.Calls;
import dev.workq.pool.internal.Inputs;
import dev.workq.pool.internal.LocalWorkers;
import dev.workq.pool.internal.NamedCall;
import dev.workq.pool.internal.PoolCore;
import dev.workq.pool.internal.TaskRef;
import dev.workq.pool.internal.TaskTable;
import dev.workq.protocol.Json;
import dev.workq.server.Broker;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Python's {@code multiprocessing.Pool} for the JVM: run static {@link dev.workq.worker.api.Task}
 * methods of this program on worker processes, typed by method references.
 *
 * <pre>{@code
 * try (WorkqPool pool = WorkqPool.local(4).start()) {     // embedded broker + 4 worker JVMs
 *   List<Double> parts = pool.map(Pi::partial, ranges);   // ordered, typed by the reference
 * }
 * }</pre>
 *
 * <p>{@link #local(int)} starts an embedded broker and N worker JVMs on this program's classpath;
 * {@link #connect(String)} uses a broker and workers elsewhere (the workers must offer the tasks:
 * deploy the program's classes to them as a {@code --handlers} jar). The same calls work on both.
 *
 * <p>Only a static method marked {@code @Task}, or registered with {@link LocalBuilder#task(String, TaskFn)}, can
 * be called; anything else fails at the call with one line. A task that throws fails its call
 * with {@link TaskFailedException}, whose cause is the remote exception rebuilt as its own type.
 * At most {@link LocalBuilder#maxInFlight(int) maxInFlight} tasks are in flight per pool; calls
 * block while the window is full. Thread-safe.
 */
public final class WorkqPool implements AutoCloseable {

  /** Default tasks in flight per pool: {@value}. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 1000;
  /** Default time a local pool's workers get at each step of close (STOP, then SIGTERM): 10 s. */
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);
  /** Default time a local pool's workers get to start and consume: 60 s. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
  /** Default JVM options of a local pool's workers. */
  public static final List<String> DEFAULT_JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError");
  /** Default queue of a remote pool: {@value}, the workers' default. */
  public static final String DEFAULT_REMOTE_QUEUE = "tasks";

  private static final Logger log = LoggerFactory.getLogger(WorkqPool.class);

  private final PoolCore core;
  private final Calls calls;
  private final LocalWorkers workers;
  private final Broker broker;
  private final String brokerAddress;
  private final Duration shutdownGrace;
  private boolean closed;

  WorkqPool(PoolCore core, Duration timeout, LocalWorkers workers, Broker broker, String brokerAddress, Duration shutdownGrace) {
    this.core = core;
    this.calls = new Calls(core, timeout);
    this.workers = workers;
    this.broker = broker;
    this.brokerAddress = brokerAddress;
    this.shutdownGrace = shutdownGrace;
  }

  /** A local pool of {@code processes} worker JVMs (1..256) and an embedded broker; call {@link LocalBuilder#start()}. */
  public static LocalBuilder local(int processes) {
    return new LocalBuilder(processes, Callers.caller());
  }

  /** A pool on the broker at {@code HOST:PORT} (authkey from {@code $WORKQ_AUTHKEY}); call {@link RemoteBuilder#start()}. */
  public static RemoteBuilder connect(String hostPort) {
    return new RemoteBuilder(ClientOptions.builder().address(hostPort).name("pool").build(), Callers.caller());
  }

  /** A pool on the broker {@code options} reach; call {@link RemoteBuilder#start()}. */
  public static RemoteBuilder connect(ClientOptions options) {
    if (options == null) {
      throw new IllegalArgumentException("options must not be null");
    }
    return new RemoteBuilder(options, Callers.caller());
  }

  // ---- apply

  /** Runs {@code fn(input)} on a worker and waits for its value (up to the pool's timeout, then the task is cancelled). */
  @SuppressWarnings("unchecked")
  public <I, O> O apply(TaskFn<I, O> fn, I input) {
    return (O) calls.apply(ref(fn), new Object[] {input});
  }

  /** Runs {@code fn(a, b)} on a worker and waits for its value. */
  @SuppressWarnings("unchecked")
  public <A, B, O> O apply(TaskFn2<A, B, O> fn, A a, B b) {
    return (O) calls.apply(ref(fn), new Object[] {a, b});
  }

  /** Runs {@code fn(a, b, c)} on a worker and waits for its value. */
  @SuppressWarnings("unchecked")
  public <A, B, C, O> O apply(TaskFn3<A, B, C, O> fn, A a, B b, C c) {
    return (O) calls.apply(ref(fn), new Object[] {a, b, c});
  }

  /** Submits {@code fn(input)}; blocks only while the pool's window is full. */
  public <I, O> AsyncResult<O> applyAsync(TaskFn<I, O> fn, I input) {
    return calls.applyAsync(ref(fn), new Object[] {input}, null, null);
  }

  /**
   * Submits {@code fn(input)}; {@code onSuccess} gets the value or {@code onError} the failure
   * (either may be null), on the client's callback executor, as Python's callbacks.
   */
  public <I, O> AsyncResult<O> applyAsync(TaskFn<I, O> fn, I input, Consumer<? super O> onSuccess,
      Consumer<? super TaskFailedException> onError) {
    return calls.applyAsync(ref(fn), new Object[] {input}, onSuccess, onError);
  }

  /** Submits {@code fn(a, b)}. */
  public <A, B, O> AsyncResult<O> applyAsync(TaskFn2<A, B, O> fn, A a, B b) {
    return calls.applyAsync(ref(fn), new Object[] {a, b}, null, null);
  }

  /** Submits {@code fn(a, b)} with callbacks, as {@link #applyAsync(TaskFn, Object, Consumer, Consumer)}. */
  public <A, B, O> AsyncResult<O> applyAsync(TaskFn2<A, B, O> fn, A a, B b, Consumer<? super O> onSuccess,
      Consumer<? super TaskFailedException> onError) {
    return calls.applyAsync(ref(fn), new Object[] {a, b}, onSuccess, onError);
  }

  // ---- map

  /** {@code fn} over every input, values in input order; see {@link #map(TaskFn, Iterable, MapOptions)}. */
  public <I, O> List<O> map(TaskFn<I, O> fn, Iterable<? extends I> inputs) {
    return map(fn, inputs, MapOptions.DEFAULTS);
  }

  /**
   * {@code fn} over every input, values in input order, like {@code Pool.map}. Submits as the
   * window allows; the first failure, a timeout ({@link PoolTimeoutException}) or an interrupt
   * cancels the call's unfinished tasks before it is thrown.
   */
  @SuppressWarnings("unchecked")
  public <I, O> List<O> map(TaskFn<I, O> fn, Iterable<? extends I> inputs, MapOptions options) {
    return (List<O>) calls.map(ref(fn), Inputs.single(inputs), checked(options));
  }

  /** As {@link #map(TaskFn, Iterable)}, returning at once. */
  public <I, O> AsyncResult<List<O>> mapAsync(TaskFn<I, O> fn, Iterable<? extends I> inputs) {
    return mapAsync(fn, inputs, MapOptions.DEFAULTS);
  }

  /** As {@link #map(TaskFn, Iterable, MapOptions)}, returning at once; the submitting runs on a thread of its own. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <I, O> AsyncResult<List<O>> mapAsync(TaskFn<I, O> fn, Iterable<? extends I> inputs, MapOptions options) {
    return (AsyncResult) calls.mapAsync(ref(fn), Inputs.single(inputs), checked(options));
  }

  /** {@code fn} over the inputs, values in input order as they arrive, like {@code Pool.imap}; inputs are read lazily. */
  public <I, O> PoolIterator<O> imap(TaskFn<I, O> fn, Iterable<? extends I> inputs) {
    return imap(fn, inputs, MapOptions.DEFAULTS);
  }

  /** As {@link #imap(TaskFn, Iterable)}, with chunksize and a per-result timeout. */
  public <I, O> PoolIterator<O> imap(TaskFn<I, O> fn, Iterable<? extends I> inputs, MapOptions options) {
    return calls.imap(ref(fn), Inputs.single(inputs), checked(options), true);
  }

  /** {@code fn} over the inputs, values as they finish, like {@code Pool.imap_unordered}. */
  public <I, O> PoolIterator<O> imapUnordered(TaskFn<I, O> fn, Iterable<? extends I> inputs) {
    return imapUnordered(fn, inputs, MapOptions.DEFAULTS);
  }

  /** As {@link #imapUnordered(TaskFn, Iterable)}, with chunksize and a per-result timeout. */
  public <I, O> PoolIterator<O> imapUnordered(TaskFn<I, O> fn, Iterable<? extends I> inputs, MapOptions options) {
    return calls.imap(ref(fn), Inputs.single(inputs), checked(options), false);
  }

  // ---- starmap

  /** {@code fn(a, b)} for every argument pair, values in order, like {@code Pool.starmap}. */
  public <A, B, O> List<O> starmap(TaskFn2<A, B, O> fn, Iterable<Args2<A, B>> args) {
    return starmap(fn, args, MapOptions.DEFAULTS);
  }

  /** As {@link #starmap(TaskFn2, Iterable)}, with chunksize and timeout. */
  @SuppressWarnings("unchecked")
  public <A, B, O> List<O> starmap(TaskFn2<A, B, O> fn, Iterable<Args2<A, B>> args, MapOptions options) {
    return (List<O>) calls.map(ref(fn), Inputs.spread(args, a -> new Object[] {a.a(), a.b()}), checked(options));
  }

  /** {@code fn(a, b, c)} for every argument triple, values in order. */
  @SuppressWarnings("unchecked")
  public <A, B, C, O> List<O> starmap(TaskFn3<A, B, C, O> fn, Iterable<Args3<A, B, C>> args) {
    return (List<O>) calls.map(ref(fn), Inputs.spread(args, a -> new Object[] {a.a(), a.b(), a.c()}), MapOptions.DEFAULTS);
  }

  /** As {@link #starmap(TaskFn2, Iterable)}, returning at once. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <A, B, O> AsyncResult<List<O>> starmapAsync(TaskFn2<A, B, O> fn, Iterable<Args2<A, B>> args) {
    return (AsyncResult) calls.mapAsync(ref(fn), Inputs.spread(args, a -> new Object[] {a.a(), a.b()}), MapOptions.DEFAULTS);
  }

  // ---- by name

  /** The handler {@code name} (a built-in, another language's), its values read as {@code resultType}. */
  public <O> Call<O> task(String name, Class<O> resultType) {
    return task(name, Json.mapper().getTypeFactory().constructType(resultType));
  }

  /** As {@link #task(String, Class)}, for a generic result type such as {@code new TypeReference<List<Long>>() {}}. */
  public <O> Call<O> task(String name, TypeReference<O> resultType) {
    return task(name, Json.mapper().getTypeFactory().constructType(resultType));
  }

  private <O> Call<O> task(String name, JavaType type) {
    return new NamedCall<>(calls, TaskTable.byName(name, type));
  }

  // ---- lifecycle

  /**
   * Cancels every unfinished task of this pool (running ones are revoked from their workers);
   * their calls fail with {@link TaskCancelledException}, and the pool refuses new work
   * ({@link IllegalStateException} "pool terminated"). Returns how many tasks were cancelled.
   */
  public int terminate() {
    return core.terminate("pool terminated");
  }

  /**
   * {@link #terminate()}, then, for a local pool, stops the workers (a STOP each, up to
   * {@code shutdownGrace} to exit, SIGTERM and the grace again, SIGKILL), and closes the client and
   * the broker. Every step runs even when one before it failed. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    step("cancel the pool's tasks", () -> core.terminate("pool closed"));
    if (workers != null) {
      step("stop the workers", () -> workers.stop(core.client(), shutdownGrace));
    }
    step("close the client", core.client()::close);
    if (broker != null) {
      step("close the broker", broker::close);
    }
  }

  private static void step(String what, Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.warn("closing the pool: could not {}: {}", what, e.getMessage());
    }
  }

  /** Pids of a local pool's live worker processes (a replaced worker's successor included); empty for a remote pool. */
  public List<Long> workerPids() {
    return workers == null ? List.of() : workers.pids();
  }

  /** The queue this pool's tasks go to. */
  public String queue() {
    return core.queue();
  }

  /** The broker's {@code HOST:PORT}: the embedded one's for a local pool. */
  public String brokerAddress() {
    return brokerAddress;
  }

  /** The client the pool talks to its broker with (for stats and the queue API); closed with the pool. */
  public WorkqClient client() {
    return core.client();
  }

  private TaskRef ref(Serializable fn) {
    return core.tasks().resolve(fn);
  }

  private static MapOptions checked(MapOptions options) {
    if (options == null) {
      throw new IllegalArgumentException("options must not be null (use MapOptions.DEFAULTS)");
    }
    return options;
  }
}
