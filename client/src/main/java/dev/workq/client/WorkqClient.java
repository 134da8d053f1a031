package dev.workq.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.workq.client.internal.Connection;
import dev.workq.client.internal.Logging;
import dev.workq.protocol.ConsumeOk;
import dev.workq.protocol.DeadLetters;
import dev.workq.protocol.DeadLettersReply;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.Renew;
import dev.workq.protocol.Fetch;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Json;
import dev.workq.protocol.Message;
import dev.workq.protocol.Payload;
import dev.workq.protocol.Put;
import dev.workq.protocol.PutOk;
import dev.workq.protocol.QueueNames;
import dev.workq.protocol.StatsReply;
import dev.workq.protocol.StatsRequest;
import dev.workq.protocol.Validate;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A connection to a workq broker, for programs that submit tasks and collect results.
 *
 * <p>Two styles, as in Python's multiprocessing:
 * <ul>
 *   <li>the pool style: {@link #submit} returns a future of the task's result; {@link #map}
 *       returns results in order; {@link #imapUnordered} as they complete. Results come back on a
 *       reply queue private to this client.</li>
 *   <li>the queue style: {@link #put} and {@link #get} on named queues, {@link #enqueue} a task
 *       whose result goes to a done queue that anyone may read, {@link #stopWorkers} to send
 *       STOP sentinels.</li>
 * </ul>
 *
 * <p>Thread-safe. Futures complete on a callback thread owned by the client, never on its I/O
 * thread, so callbacks may block. Close the client when done.
 */
public final class WorkqClient implements AutoCloseable {

  private static final Logger log = Logging.logger(WorkqClient.class);

  private final ClientOptions options;
  private final EventLoopGroup group;
  private final ExecutorService callbacks;
  private final Connection connection;
  private final String clientId = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 8);
  private final AtomicLong ids = new AtomicLong();
  private final Map<String, CompletableFuture<TaskResult>> awaiting = new ConcurrentHashMap<>();
  private final AtomicLong duplicateResults = new AtomicLong();
  private final String replyQueue = QueueNames.REPLY_PREFIX + clientId;
  private volatile Subscription replies;

  private WorkqClient(ClientOptions options) {
    this.options = options;
    this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("workq-client-io", true), NioIoHandler.newFactory());
    this.callbacks = Executors.newSingleThreadExecutor(new DefaultThreadFactory("workq-client-callbacks", true));
    try {
      this.connection = Connection.open(options, group, null);
    } catch (RuntimeException e) {
      shutdownThreads();
      throw e;
    }
    connection.closeFuture().thenRun(this::failAwaiting);
  }

  /** Connects and completes the handshake; fails with a one-line {@link WorkqException}. */
  public static WorkqClient connect(ClientOptions options) {
    return new WorkqClient(options);
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

  public ClientOptions options() {
    return options;
  }

  // ---- queue style ----

  /** Puts {@code value} (mapped to JSON) on {@code queue}; completes with its id once the broker has it. */
  public CompletableFuture<String> putAsync(String queue, Object value) {
    return putItem(queue, ItemKind.DATA, null, null, TaskOptions.DEFAULTS, value);
  }

  /** Puts {@code value} on {@code queue} and waits for the broker to confirm it; returns its id. */
  public String put(String queue, Object value) {
    return await(putAsync(queue, value));
  }

  /**
   * Takes the next item off {@code queue}, waiting up to {@code timeout}. The item is acked once it
   * has arrived here. Empty if none arrived in time.
   */
  public Optional<QueueItem> get(String queue, Duration timeout) {
    Validate.queue("queue", queue);
    long waitMs = Math.min(timeout.toMillis(), Fetch.MAX_TIMEOUT_MS);
    Message m = await(connection.request(corr -> new Fetch(corr, queue, waitMs), waitMs + options.requestTimeout().toMillis()));
    if (m instanceof Deliver d) {
      if (d.kind() != ItemKind.STOP) {
        connection.send(new dev.workq.protocol.Ack(d.tag()));
      }
      return Optional.of(new QueueItem(d.queue(), d.kind(), d.id(), d.handler(), d.attempts(), d.payload()));
    }
    return Optional.empty();
  }

  /**
   * Puts a task on {@code queue} for a worker to run with {@code handler}; its result goes to
   * {@code <queue>.done}. Completes with the task's id once the broker has it.
   */
  public CompletableFuture<String> enqueue(String queue, String handler, Object payload) {
    return enqueue(queue, handler, payload, TaskOptions.DEFAULTS);
  }

  /** As {@link #enqueue(String, String, Object)}, with the result going to {@code doneQueue}. */
  public CompletableFuture<String> enqueue(String queue, String handler, Object payload, String doneQueue) {
    return enqueue(queue, handler, payload, doneQueue == null ? TaskOptions.DEFAULTS : TaskOptions.builder().doneQueue(doneQueue).build());
  }

  /** As {@link #enqueue(String, String, Object)}, with per-task settings. */
  public CompletableFuture<String> enqueue(String queue, String handler, Object payload, TaskOptions task) {
    return putItem(queue, ItemKind.TASK, handler, task.doneQueue(), task, payload);
  }

  /**
   * Puts {@code workers} STOP sentinels on {@code queue} and waits until the broker has them. Each
   * is taken by one worker, after the tasks queued before it, and that worker finishes what it
   * holds and exits.
   */
  public void stopWorkers(String queue, int workers) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1, got " + workers);
    }
    List<CompletableFuture<String>> puts = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      puts.add(putItem(queue, ItemKind.STOP, null, null, TaskOptions.DEFAULTS, null));
    }
    puts.forEach(this::await);
  }

  /** Lists up to {@code limit} of {@code queue}'s dead letters, oldest first, with their total. */
  public DeadLettersReply deadLetters(String queue, int limit) {
    return deadLetters(queue, DeadLetters.Action.LIST, List.of(), limit);
  }

  /** Puts dead letters back on their queue with fresh attempts; no ids means all. Returns how many. */
  public int requeueDeadLetters(String queue, List<String> ids) {
    return deadLetters(queue, DeadLetters.Action.REQUEUE, ids, 0).count();
  }

  /** Deletes dead letters; no ids means all. Returns how many. */
  public int purgeDeadLetters(String queue, List<String> ids) {
    return deadLetters(queue, DeadLetters.Action.PURGE, ids, 0).count();
  }

  private DeadLettersReply deadLetters(String queue, DeadLetters.Action action, List<String> ids, int limit) {
    DeadLetters request = new DeadLetters(0, queue, action, ids, limit);
    return (DeadLettersReply) await(connection.request(corr -> new DeadLetters(corr, request.queue(), action, request.ids(), limit),
        options.requestTimeout().toMillis()));
  }

  /**
   * Renews the leases of deliveries this client holds, so the broker does not take them back.
   * The worker runtime does this by heartbeat; a program that consumes tasks itself must too.
   */
  public void renewLeases(long[] tags) {
    for (int from = 0; from < tags.length; from += Renew.MAX_TAGS) {
      connection.send(new Renew(java.util.Arrays.copyOfRange(tags, from, Math.min(tags.length, from + Renew.MAX_TAGS))));
    }
  }

  /** Completes when the connection to the broker has closed. */
  public CompletableFuture<Void> closeFuture() {
    return connection.closeFuture();
  }

  /**
   * Every queue's counters and the connected workers. The broker answers in pages that fit a
   * frame; this reads them all and returns them as one.
   */
  public StatsReply stats() {
    List<dev.workq.protocol.QueueStats> queues = new java.util.ArrayList<>();
    List<dev.workq.protocol.WorkerInfo> workers = new java.util.ArrayList<>();
    String cursor = null;
    StatsReply page;
    do {
      String from = cursor;
      page = (StatsReply) await(connection.request(corr -> new StatsRequest(corr, from), options.requestTimeout().toMillis()));
      queues.addAll(page.queues());
      workers.addAll(page.workers());
      cursor = page.next();
    } while (cursor != null);
    return new StatsReply(page.corr(), queues, workers, page.clients(), page.staleResults(), page.journalBytes());
  }

  /**
   * Deletes {@code queue}. Refused (a {@link RemoteException}) while the queue has consumers or
   * items in flight (QUEUE_IN_USE), when it does not exist (UNKNOWN_QUEUE), and while it holds
   * items unless {@code force} (QUEUE_NOT_EMPTY). Returns how many items were deleted with it.
   */
  public long deleteQueue(String queue, boolean force) {
    return ((dev.workq.protocol.DeleteQueueOk) await(connection.request(corr -> new dev.workq.protocol.DeleteQueue(corr, queue, force),
        options.requestTimeout().toMillis()))).removed();
  }

  /**
   * Subscribes to {@code queue}: the broker pushes up to {@code prefetch} unfinished deliveries at
   * a time to {@code listener}, spreading items over all consumers of the queue.
   */
  public Subscription consume(String queue, int prefetch, DeliveryListener listener) {
    Message m = await(connection.consume(queue, prefetch, new Connection.DeliverySink() {
      @Override
      public void onDeliver(Deliver deliver) {
        listener.onDelivery(new Delivery(connection, deliver));
      }

      @Override
      public void onClose(String reason) {
        listener.onClose(reason);
      }
    }, options.requestTimeout().toMillis()));
    return new Subscription(connection, ((ConsumeOk) m).consumer(), options.requestTimeout().toMillis());
  }

  // ---- pool style ----

  /** Submits a task and returns a future of its result. */
  public CompletableFuture<TaskResult> submit(String queue, String handler, Object payload) {
    return submit(queue, handler, payload, TaskOptions.DEFAULTS);
  }

  /**
   * Submits a task with per-task settings and returns a future of its result. The result comes
   * back on this client's reply queue whatever {@link TaskOptions#doneQueue()} says. A task that
   * fails on every attempt completes the future with its last error result (and goes to the dead
   * letters).
   */
  public CompletableFuture<TaskResult> submit(String queue, String handler, Object payload, TaskOptions task) {
    ensureReplyConsumer();
    String id = task.id() != null ? task.id() : clientId + "-" + Long.toHexString(ids.incrementAndGet());
    CompletableFuture<TaskResult> result = new CompletableFuture<>();
    if (awaiting.putIfAbsent(id, result) != null) {
      throw new IllegalArgumentException("a task with id '" + id + "' submitted by this client is still waiting for its result");
    }
    TaskOptions.Builder withId = TaskOptions.builder().id(id);
    if (task.maxAttempts() != null) {
      withId.maxAttempts(task.maxAttempts());
    }
    if (task.leaseMs() != null) {
      withId.lease(Duration.ofMillis(task.leaseMs()));
    }
    putItem(queue, ItemKind.TASK, handler, replyQueue, withId.build(), payload).whenComplete((ok, e) -> {
      if (e != null && awaiting.remove(id) != null) {
        result.completeExceptionally(unwrap(e));
      }
    });
    return result;
  }

  /**
   * Runs {@code handler} over every payload and returns the results in the payloads' order, like
   * {@code Pool.map}. Keeps at most {@link ClientOptions#maxOutstanding()} tasks in flight.
   * Waits without limit; see {@link #map(String, String, List, Duration)}.
   */
  public List<TaskResult> map(String queue, String handler, List<?> payloads) {
    return map(queue, handler, payloads, null);
  }

  /** As {@link #map(String, String, List)}, failing with {@link WorkqException} after {@code timeout}. */
  public List<TaskResult> map(String queue, String handler, List<?> payloads, Duration timeout) {
    return map(queue, handler, payloads, timeout, TaskOptions.DEFAULTS);
  }

  /** As {@link #map(String, String, List, Duration)}, with per-task settings for every task. */
  public List<TaskResult> map(String queue, String handler, List<?> payloads, Duration timeout, TaskOptions task) {
    requireNoId(task);
    long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    Semaphore window = new Semaphore(options.maxOutstanding());
    List<CompletableFuture<TaskResult>> futures = new ArrayList<>(payloads.size());
    for (Object payload : payloads) {
      acquire(window, deadline);
      CompletableFuture<TaskResult> f = submit(queue, handler, payload, task);
      f.whenComplete((r, e) -> window.release());
      futures.add(f);
    }
    List<TaskResult> results = new ArrayList<>(futures.size());
    try (Progress progress = Progress.start("tasks", futures.size(), options.progress())) {
      futures.forEach(f -> f.whenComplete((r, e) -> progress.step()));
      for (CompletableFuture<TaskResult> f : futures) {
        results.add(awaitUntil(f, deadline));
      }
    }
    return results;
  }

  /**
   * Runs {@code handler} over every payload and yields results as they complete, like
   * {@code Pool.imap_unordered}. Submission runs on a background thread with at most
   * {@link ClientOptions#maxOutstanding()} tasks in flight.
   */
  public Iterator<TaskResult> imapUnordered(String queue, String handler, List<?> payloads) {
    return imapUnordered(queue, handler, payloads, TaskOptions.DEFAULTS);
  }

  /** As {@link #imapUnordered(String, String, List)}, with per-task settings for every task. */
  public Iterator<TaskResult> imapUnordered(String queue, String handler, List<?> payloads, TaskOptions task) {
    requireNoId(task);
    BlockingQueue<Object> done = new LinkedBlockingQueue<>();
    Semaphore window = new Semaphore(options.maxOutstanding());
    Thread submitter = new Thread(() -> {
      for (Object payload : payloads) {
        try {
          window.acquire();
        } catch (InterruptedException e) {
          return;
        }
        submit(queue, handler, payload, task).whenComplete((r, e) -> {
          window.release();
          done.add(e != null ? unwrap(e) : r);
        });
      }
    }, "workq-imap-submitter");
    submitter.setDaemon(true);
    submitter.start();
    int total = payloads.size();
    Progress progress = Progress.start("tasks", total, options.progress());
    return new Iterator<>() {
      int taken;

      @Override
      public boolean hasNext() {
        return taken < total;
      }

      @Override
      public TaskResult next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Object o;
        try {
          o = done.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new WorkqException("interrupted while waiting for results", e);
        }
        taken++;
        progress.step();
        if (taken == total) {
          progress.close();
        }
        if (o instanceof RuntimeException e) {
          throw e;
        }
        return (TaskResult) o;
      }
    };
  }

  /** Results that arrived for a task whose result had already arrived (at-least-once redelivery). */
  public long duplicateResults() {
    return duplicateResults.get();
  }

  /** The private queue this client's submit results come back on. */
  public String replyQueue() {
    return replyQueue;
  }

  @Override
  public void close() {
    connection.close();
    shutdownThreads();
  }

  // ---- internals ----

  private static void requireNoId(TaskOptions task) {
    if (task.id() != null) {
      throw new IllegalArgumentException("TaskOptions.id names one task; it cannot be shared by every task of a map");
    }
  }

  private CompletableFuture<String> putItem(String queue, ItemKind kind, String handler, String replyTo, TaskOptions task, Object value) {
    Payload payload = value == null ? Payload.EMPTY : toJson(value);
    // Built once here so a bad field fails in the caller's thread, with the field named.
    Put put = new Put(0, queue, kind, task.id(), handler, replyTo, task.maxAttempts(), task.leaseMs(), payload);
    CompletableFuture<String> result = new CompletableFuture<>();
    long deadline = System.nanoTime() + options.requestTimeout().toNanos();
    sendPut(put, result, deadline, 1);
    return result.thenApplyAsync(id -> id, callbacks);
  }

  /**
   * Sends {@code put}; with {@link ClientOptions#waitWhenQueueFull()}, a QUEUE_FULL or
   * MEMORY_LIMIT answer is retried with backoff until the request timeout instead of failing at
   * once.
   */
  private void sendPut(Put put, CompletableFuture<String> result, long deadline, long backoffMs) {
    connection.request(corr -> new Put(corr, put.queue(), put.kind(), put.id(), put.handler(), put.replyTo(),
            put.maxAttempts(), put.leaseMs(), put.payload()), options.requestTimeout().toMillis())
        .whenComplete((m, e) -> {
          if (e == null) {
            result.complete(((PutOk) m).id());
            return;
          }
          Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
          long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
          if (options.waitWhenQueueFull() && cause instanceof RemoteException r
              && (r.code() == ErrorCode.QUEUE_FULL || r.code() == ErrorCode.MEMORY_LIMIT) && remainingMs > 0) {
            long delay = Math.min(backoffMs, remainingMs);
            CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS)
                .execute(() -> sendPut(put, result, deadline, Math.min(backoffMs * 2, 1000)));
            return;
          }
          result.completeExceptionally(cause);
        });
  }

  private static Payload toJson(Object value) {
    if (value instanceof Payload p) {
      return p;
    }
    try {
      return Payload.wrap(Json.mapper().writeValueAsBytes(value));
    } catch (JsonProcessingException e) {
      throw new WorkqException("cannot map " + value.getClass().getName() + " to JSON: " + e.getOriginalMessage(), e);
    }
  }

  private void ensureReplyConsumer() {
    if (replies == null) {
      synchronized (this) {
        if (replies == null) {
          replies = consume(replyQueue, ClientOptions.DEFAULT_RESULT_PREFETCH, new DeliveryListener() {
            @Override
            public void onDelivery(Delivery delivery) {
              onResult(delivery);
            }

            @Override
            public void onClose(String reason) {
              failAwaiting();
            }
          });
        }
      }
    }
  }

  private void onResult(Delivery delivery) {
    TaskResult result;
    try {
      result = TaskResult.parse(delivery.payload());
    } catch (WorkqException e) {
      log.warn("dropping item {} on {}: {}", delivery.id(), replyQueue, e.getMessage());
      delivery.ack();
      return;
    }
    delivery.ack();
    CompletableFuture<TaskResult> f = awaiting.remove(result.id());
    if (f == null) {
      duplicateResults.incrementAndGet();
      log.debug("result for task {} arrived again; ignored", result.id());
      return;
    }
    callbacks.execute(() -> f.complete(result));
  }

  private void failAwaiting() {
    String reason = connection.closeReason() == null ? "connection closed" : connection.closeReason();
    for (String id : awaiting.keySet()) {
      CompletableFuture<TaskResult> f = awaiting.remove(id);
      if (f != null) {
        callbacks.execute(() -> f.completeExceptionally(new ConnectionClosedException(reason)));
      }
    }
  }

  private void shutdownThreads() {
    callbacks.shutdown();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  private static void acquire(Semaphore window, long deadline) {
    try {
      long waitNs = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
      if (!window.tryAcquire(Math.max(0, waitNs), TimeUnit.NANOSECONDS)) {
        throw new WorkqException("timed out waiting for results");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkqException("interrupted", e);
    }
  }

  private static <T> T awaitUntil(CompletableFuture<T> f, long deadline) {
    try {
      if (deadline == Long.MAX_VALUE) {
        return f.get();
      }
      return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new WorkqException("timed out waiting for results");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkqException("interrupted", e);
    } catch (ExecutionException e) {
      throw unwrap(e);
    }
  }

  private <T> T await(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkqException("interrupted", e);
    } catch (ExecutionException e) {
      throw unwrap(e);
    }
  }

  private static RuntimeException unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof WorkqException w) {
      return w;
    }
    if (t instanceof TimeoutException) {
      return new WorkqException("the broker did not answer in time");
    }
    return new WorkqException(t.toString(), t);
  }
}
