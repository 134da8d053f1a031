package dev.workq.client;

import dev.workq.client.internal.Connection;
import dev.workq.client.internal.Identity;
import dev.workq.client.internal.WorkerAccess;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A connection to a workq broker, for programs that submit tasks and collect results. It owns the
 * connection and, unless it was given shared {@link ClientResources}, the threads it runs on.
 *
 * <p>Three views, as in Python's multiprocessing:
 * <ul>
 *   <li>{@link #tasks()}, the pool: {@code submit} returns a future of a task's result, {@code map}
 *       the results in order, {@code imapUnordered} as they complete;</li>
 *   <li>this class, the queues, blocking: {@link #put} and {@link #get} on named queues,
 *       {@link #enqueue} a task whose result goes to a done queue that anyone may read,
 *       {@link #stopWorkers} to send STOP sentinels, {@link #stats()}, dead letters; and the
 *       lifecycle by id and by queue: {@link #status}, {@link #result}, {@link #cancel};
 *       {@link #closeQueue}, {@link #join}, {@link #purge}, {@link #peek}, {@link #deleteQueue};</li>
 *   <li>{@link #async()}, the same queue operations returning futures.</li>
 * </ul>
 *
 * <p>Thread-safe. Futures complete on the client's callback executor, never on its I/O thread, so
 * callbacks may block. Close the client when done.
 */
public final class WorkqClient implements AutoCloseable {

  static {
    WorkerAccess.register((options, identity) -> open(options, null, identity));
  }

  private final ClientOptions options;
  private final ClientResources resources;
  private final boolean ownsResources;
  private final Connection connection;
  /** The public asynchronous view: futures complete on the callback executor. */
  private final AsyncClient async;
  /** The same operations for this class to wait on: no hand-off to the callback executor first. */
  private final AsyncClient direct;
  private final TaskPool tasks;

  private WorkqClient(ClientOptions options, ClientResources resources, boolean ownsResources, Connection connection) {
    this.options = options;
    this.resources = resources;
    this.ownsResources = ownsResources;
    this.connection = connection;
    this.async = new AsyncClient(connection, options, resources.callbackExecutor());
    this.direct = new AsyncClient(connection, options, null);
    this.tasks = new TaskPool(direct, connection, options.maxOutstanding(), resources.callbackExecutor());
  }

  /** Connects with resources of its own (closed with it) and completes the handshake; fails with a one-line {@link WorkqException}. */
  public static WorkqClient connect(ClientOptions options) {
    return open(options, null, Identity.client(options.name()));
  }

  /**
   * Connects on shared {@code resources}, which the client does not close: whoever created them
   * closes them once every client using them is closed.
   */
  public static WorkqClient connect(ClientOptions options, ClientResources resources) {
    if (resources == null) {
      throw new IllegalArgumentException("resources must not be null (use connect(options) for resources of its own)");
    }
    if (resources.isClosed()) {
      throw new IllegalStateException("resources are closed");
    }
    return open(options, resources, Identity.client(options.name()));
  }

  /**
   * Connects with default options: to {@code $WORKQ_BROKER} (else 127.0.0.1:7070) with the key
   * in {@code $WORKQ_AUTHKEY} (else none), as the {@code workq} command does.
   */
  public static WorkqClient connect() {
    return connect(ClientOptions.builder().build());
  }

  /** Connects to {@code HOST:PORT} with default options (the authkey from {@code $WORKQ_AUTHKEY}, if set). */
  public static WorkqClient connect(String hostPort) {
    return connect(ClientOptions.builder().address(hostPort).build());
  }

  /** Connects as {@code identity}, on {@code shared} resources or, when null, on resources of its own. */
  private static WorkqClient open(ClientOptions options, ClientResources shared, Identity identity) {
    ClientResources resources = shared != null ? shared : ClientResources.create();
    try {
      return new WorkqClient(options, resources, shared == null, Connection.open(options, identity, resources.eventLoopGroup()));
    } catch (RuntimeException e) {
      if (shared == null) {
        resources.close();
      }
      throw e;
    }
  }

  public ClientOptions options() {
    return options;
  }

  /** The threads this client runs on: its own, or the shared ones it was given. */
  public ClientResources resources() {
    return resources;
  }

  /** The queue operations, returning futures. */
  public AsyncClient async() {
    return async;
  }

  /** The task pool: submit, map, imapUnordered, with results on this client's reply queue. */
  public TaskPool tasks() {
    return tasks;
  }

  /** Puts {@code value} (mapped to JSON) on {@code queue} and waits for the broker to confirm it; returns its id. */
  public String put(String queue, Object value) {
    return Futures.await(direct.put(queue, value));
  }

  /**
   * Takes the next item off {@code queue}, waiting up to {@code timeout}. The item is acked once it
   * has arrived here. Empty if none arrived in time.
   */
  public Optional<QueueItem> get(String queue, Duration timeout) {
    return Futures.await(direct.get(queue, timeout));
  }

  /**
   * Puts a task on {@code queue} for a worker to run with {@code handler}, waiting for the broker
   * to confirm it; its result goes to {@code <queue>.done}. Returns the task's id.
   */
  public String enqueue(String queue, String handler, Object payload) {
    return Futures.await(direct.enqueue(queue, handler, payload));
  }

  /** As {@link #enqueue(String, String, Object)}, with the result going to {@code doneQueue}. */
  public String enqueue(String queue, String handler, Object payload, String doneQueue) {
    return Futures.await(direct.enqueue(queue, handler, payload, doneQueue));
  }

  /** As {@link #enqueue(String, String, Object)}, with per-task settings. */
  public String enqueue(String queue, String handler, Object payload, TaskOptions task) {
    return Futures.await(direct.enqueue(queue, handler, payload, task));
  }

  /**
   * Puts {@code workers} STOP sentinels on {@code queue} and waits until the broker has them. Each
   * is taken by one worker, after the tasks queued before it, and that worker finishes what it
   * holds and exits.
   */
  public void stopWorkers(String queue, int workers) {
    Futures.await(direct.stopWorkers(queue, workers));
  }

  /** Lists up to {@code limit} of {@code queue}'s dead letters, oldest first, with their total. */
  public DeadLetterPage deadLetters(String queue, int limit) {
    return Futures.await(direct.deadLetters(queue, limit));
  }

  /** Puts dead letters back on their queue with fresh attempts; no ids means all. Returns how many. */
  public int requeueDeadLetters(String queue, List<String> ids) {
    return Futures.await(direct.requeueDeadLetters(queue, ids));
  }

  /** Deletes dead letters; no ids means all. Returns how many. */
  public int purgeDeadLetters(String queue, List<String> ids) {
    return Futures.await(direct.purgeDeadLetters(queue, ids));
  }

  /**
   * Every queue's counters and the connected workers. The broker answers in pages that fit a
   * frame; this reads them all and returns them as one.
   */
  public BrokerStats stats() {
    return Futures.await(direct.stats());
  }

  /**
   * Deletes {@code queue} (and its closed mark, so the name can be used again). Without
   * {@code force} it is refused (a {@link RemoteException}) while the queue has consumers or items
   * in flight (QUEUE_IN_USE) and while it holds items (QUEUE_NOT_EMPTY); {@code force} ends its
   * consumers (each worker gets a STOP) and deletes its items. UNKNOWN_QUEUE when it does not
   * exist. Returns how many items were deleted with it.
   */
  public long deleteQueue(String queue, boolean force) {
    return Futures.await(direct.deleteQueue(queue, force));
  }

  /** Where task {@code id} is: ready, delayed, running, retrying, done, dead, cancelled or not found. */
  public TaskStatus status(String id) {
    return status(List.of(id)).get(0);
  }

  /** Where each task is, in the order asked; unknown ids are {@link TaskState#NOT_FOUND}. */
  public List<TaskStatus> status(List<String> ids) {
    return Futures.await(direct.status(ids));
  }

  /**
   * Waits up to {@code timeout} (null: no limit) for task {@code id} to finish and returns its
   * result record (a cancelled or dead task's is a failed one). Throws {@link WaitTimeoutException}
   * if it has not finished by then, {@link RemoteException} UNKNOWN_TASK if the broker knows no
   * such task (never put, or finished longer ago than its result retention). Takes nothing off
   * the done queue.
   */
  public TaskResult result(String id, Duration timeout) {
    return Futures.await(direct.result(id, timeout));
  }

  /**
   * Cancels task {@code id}: removed if it has not started, revoked from its worker if running;
   * its done queue gets a failed result saying it was cancelled. A finished task is left alone
   * ({@code cancelled()} false). UNKNOWN_TASK if the broker knows no such task.
   */
  public CancelResult cancel(String id) {
    return Futures.await(direct.cancel(id));
  }

  /**
   * Waits until {@code queue} has no unfinished task (none ready, delayed or running), like
   * Python's {@code JoinableQueue.join()}; {@link WaitTimeoutException} after {@code timeout}
   * (null: no limit). UNKNOWN_QUEUE if there is no such queue.
   */
  public void join(String queue, Duration timeout) {
    Futures.await(direct.join(queue, timeout));
  }

  /** As {@link #join(String, Duration)}, without a time limit. */
  public void join(String queue) {
    join(queue, null);
  }

  /**
   * Closes {@code queue}: further tasks and values are refused (QUEUE_CLOSED), and once it has
   * none ready, delayed or running each worker consuming it gets one STOP, so stopping the
   * workers when the work is done needs no counting. Survives broker restarts; deleting the
   * queue frees the name.
   */
  public CloseResult closeQueue(String queue) {
    return Futures.await(direct.closeQueue(queue));
  }

  /** Removes {@code queue}'s ready and delayed items and pending STOPs (and dead letters if asked); returns what went. */
  public PurgeResult purge(String queue, boolean deadLetters) {
    return Futures.await(direct.purge(queue, deadLetters));
  }

  /** The first {@code limit} (1 to 100) items {@code queue} would hand out, left where they are. */
  public PeekResult peek(String queue, int limit) {
    return Futures.await(direct.peek(queue, limit));
  }

  /**
   * Takes the next result off the done queue {@code doneQueue}, waiting up to {@code timeout};
   * ack it once handled. A task queue is refused (NOT_A_RESULT_QUEUE) and gives nothing up.
   */
  public Optional<Delivery> takeResult(String doneQueue, Duration timeout) {
    return Futures.await(direct.takeResult(doneQueue, timeout));
  }

  /**
   * Subscribes to {@code queue}: the broker pushes up to {@code prefetch} unfinished deliveries at
   * a time to {@code listener}, spreading items over all consumers of the queue.
   */
  public Subscription consume(String queue, int prefetch, DeliveryListener listener) {
    return Futures.await(direct.consume(queue, prefetch, listener));
  }

  /**
   * Renews the leases of deliveries this client holds, so the broker does not take them back.
   * The worker runtime does this by heartbeat; a program that consumes tasks itself must too.
   */
  public void renewLeases(long[] tags) {
    direct.renewLeases(tags);
  }

  /** Completes when the connection to the broker has closed. */
  public CompletableFuture<Void> closeFuture() {
    return connection.closeFuture();
  }

  /** Closes the connection gracefully, then the client's own resources (shared ones stay open). */
  @Override
  public void close() {
    connection.close();
    if (ownsResources) {
      resources.close();
    }
  }
}
