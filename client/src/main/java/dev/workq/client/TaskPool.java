package dev.workq.client;

import dev.workq.protocol.Printable;
import dev.workq.client.internal.Connection;
import dev.workq.client.internal.Logging;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.QueueNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A client's task pool, the analogue of Python's {@code multiprocessing.Pool}: {@link #submit}
 * returns a future of one task's result, {@link #map} returns results in order, {@link
 * #imapUnordered} as they complete. It owns the client's private reply queue, the consumer on it
 * (subscribed at the first submit) and the table of tasks waiting for their results.
 *
 * <p>Thread-safe. Futures complete on the client's callback executor, never on its I/O thread.
 * Obtain it with {@link WorkqClient#tasks()}.
 */
public final class TaskPool {

  /** Prefetch of the consumer that collects this client's results. */
  public static final int DEFAULT_RESULT_PREFETCH = 1024;

  private static final Logger log = Logging.logger(TaskPool.class);

  /** Puts whose futures complete on the I/O thread: a put only matters here when it fails. */
  private final AsyncClient direct;
  private final Connection connection;
  private final int maxOutstanding;
  private final Executor callbacks;
  private final String clientId = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 8);
  private final String replyQueue = QueueNames.REPLY_PREFIX + clientId;
  private final AtomicLong ids = new AtomicLong();
  private final Map<String, CompletableFuture<TaskResult>> awaiting = new ConcurrentHashMap<>();
  /** Tasks whose key another task held: waited for by that task's id (TASK_WAIT), not on the reply queue. */
  private final Map<String, CompletableFuture<TaskResult>> elsewhere = new ConcurrentHashMap<>();
  private final AtomicLong duplicateResults = new AtomicLong();
  private volatile Subscription replies;

  TaskPool(AsyncClient direct, Connection connection, int maxOutstanding, Executor callbacks) {
    this.direct = direct;
    this.connection = connection;
    this.maxOutstanding = maxOutstanding;
    this.callbacks = callbacks;
    connection.closeFuture().thenRun(this::failAwaiting);
  }

  /** Submits a task and returns a future of its result. */
  public CompletableFuture<TaskResult> submit(String queue, String handler, Object payload) {
    return submit(queue, handler, payload, TaskOptions.DEFAULTS);
  }

  /**
   * Submits a task with per-task settings and returns a future of its result. A task that fails on
   * every attempt completes the future with its last error result (and goes to the dead letters).
   *
   * @throws IllegalArgumentException if {@code task} names a done queue: the result of a submitted
   *     task comes back to this client, so a task whose result should go elsewhere is for
   *     {@link WorkqClient#enqueue(String, String, Object, TaskOptions)}
   */
  public CompletableFuture<TaskResult> submit(String queue, String handler, Object payload, TaskOptions task) {
    requireNoDoneQueue(task);
    ensureReplyConsumer();
    String id = task.id() != null ? task.id() : clientId + "-" + Long.toHexString(ids.incrementAndGet());
    CompletableFuture<TaskResult> result = new CompletableFuture<>();
    if (awaiting.putIfAbsent(id, result) != null) {
      throw new IllegalArgumentException("a task with id '" + id + "' submitted by this client is still waiting for its result");
    }
    TaskOptions withId = task.id() != null ? task : task.withId(id);
    direct.putItem(queue, ItemKind.TASK, handler, replyQueue, withId, payload).whenComplete((putId, e) -> {
      if (e != null && awaiting.remove(id) != null) {
        RuntimeException failure = Futures.unwrap(e);
        callbacks.execute(() -> result.completeExceptionally(failure));
      } else if (e == null && !putId.equals(id) && awaiting.remove(id) != null) {
        awaitElsewhere(putId, result);
      }
    });
    return result;
  }

  /**
   * The broker answered a put with another task's id: a task with the same key was there first,
   * and its result goes to whoever submitted it. Wait for that task by id instead.
   */
  private void awaitElsewhere(String firstId, CompletableFuture<TaskResult> result) {
    elsewhere.put(firstId, result);
    direct.result(firstId, null).whenComplete((r, e) -> {
      elsewhere.remove(firstId, result);
      callbacks.execute(() -> {
        if (e != null) {
          result.completeExceptionally(Futures.unwrap(e));
        } else {
          result.complete(r);
        }
      });
    });
  }

  /**
   * The ids of the tasks this pool submitted whose results have not arrived yet (for a task
   * submitted with a key that another task held, that task's id), e.g. to print or cancel.
   */
  public Set<String> pending() {
    Set<String> ids = new TreeSet<>(awaiting.keySet());
    ids.addAll(elsewhere.keySet());
    return ids;
  }

  /**
   * Cancels every task in {@link #pending()}, like {@code Pool.terminate()}, waiting for the
   * broker's answers; their futures complete with the failed results the cancels file. Returns
   * how many tasks this cancelled (tasks that finished meanwhile are not counted).
   *
   * @throws WorkqException the first failure other than UNKNOWN_TASK (a task the broker no
   *     longer knows), once every cancel has been answered
   */
  public int terminate() {
    List<CompletableFuture<CancelResult>> cancels = new ArrayList<>();
    for (String id : pending()) {
      cancels.add(direct.cancel(id));
    }
    int cancelled = 0;
    RuntimeException first = null;
    for (CompletableFuture<CancelResult> c : cancels) {
      try {
        if (Futures.await(c).cancelled()) {
          cancelled++;
        }
      } catch (RemoteException e) {
        if (e.code() != dev.workq.protocol.ErrorCode.UNKNOWN_TASK && first == null) {
          first = e;
        }
      } catch (WorkqException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
    return cancelled;
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
    requireShareable(task);
    long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    Semaphore window = new Semaphore(maxOutstanding);
    List<CompletableFuture<TaskResult>> futures = new ArrayList<>(payloads.size());
    for (Object payload : payloads) {
      Futures.acquire(window, deadline);
      CompletableFuture<TaskResult> f = submit(queue, handler, payload, task);
      f.whenComplete((r, e) -> window.release());
      futures.add(f);
    }
    List<TaskResult> results = new ArrayList<>(futures.size());
    for (CompletableFuture<TaskResult> f : futures) {
      results.add(Futures.awaitUntil(f, deadline));
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
    requireShareable(task);
    BlockingQueue<Object> done = new LinkedBlockingQueue<>();
    Semaphore window = new Semaphore(maxOutstanding);
    Thread submitter = new Thread(() -> {
      for (Object payload : payloads) {
        try {
          window.acquire();
        } catch (InterruptedException e) {
          return;
        }
        submit(queue, handler, payload, task).whenComplete((r, e) -> {
          window.release();
          done.add(e != null ? Futures.unwrap(e) : r);
        });
      }
    }, "workq-imap-submitter");
    submitter.setDaemon(true);
    submitter.start();
    int total = payloads.size();
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

  private static void requireNoDoneQueue(TaskOptions task) {
    if (task.doneQueue() != null) {
      throw new IllegalArgumentException("TaskOptions.doneQueue ('" + task.doneQueue() + "') cannot be used with submit, whose "
          + "results come back to this client; use enqueue to send a task's result to a done queue");
    }
  }

  private static void requireShareable(TaskOptions task) {
    if (task.id() != null) {
      throw new IllegalArgumentException("TaskOptions.id names one task; it cannot be shared by every task of a map");
    }
    requireNoDoneQueue(task);
  }

  private void ensureReplyConsumer() {
    if (replies == null) {
      synchronized (this) {
        if (replies == null) {
          // Through the blocking path: the callback thread may be the one calling submit.
          replies = Futures.await(direct.consume(replyQueue, DEFAULT_RESULT_PREFETCH, new DeliveryListener() {
            @Override
            public void onDelivery(Delivery delivery) {
              onResult(delivery);
            }

            @Override
            public void onClose(String reason) {
              failAwaiting();
            }
          }));
        }
      }
    }
  }

  /** A result arrived on the reply queue (I/O thread): complete its future on the callback executor. */
  private void onResult(Delivery delivery) {
    TaskResult result;
    try {
      result = TaskResult.parse(delivery.payload());
    } catch (WorkqException e) {
      log.warn("dropping item {} on {}: {}", Printable.escape(delivery.id()), replyQueue, Printable.escape(e.getMessage()));
      delivery.ack();
      return;
    }
    delivery.ack();
    CompletableFuture<TaskResult> f = awaiting.remove(result.id());
    if (f == null) {
      duplicateResults.incrementAndGet();
      log.debug("result for task {} arrived again; ignored", Printable.escape(result.id()));
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
}
