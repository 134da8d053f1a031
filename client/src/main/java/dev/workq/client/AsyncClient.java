package dev.workq.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.workq.client.internal.Connection;
import dev.workq.client.internal.WireValues;
import dev.workq.protocol.Ack;
import dev.workq.protocol.ConsumeOk;
import dev.workq.protocol.DeadLetters;
import dev.workq.protocol.DeadLettersReply;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.DeleteQueue;
import dev.workq.protocol.DeleteQueueOk;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.Fetch;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Json;
import dev.workq.protocol.Payload;
import dev.workq.protocol.Put;
import dev.workq.protocol.PutOk;
import dev.workq.protocol.StatsReply;
import dev.workq.protocol.StatsRequest;
import dev.workq.protocol.Validate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The queue-level operations, asynchronous: every method returns at once with a future, which
 * completes on the client's callback executor (see {@link ClientResources}), never on its I/O
 * thread, so a callback may block. Failures are {@link WorkqException}s ({@link RemoteException}
 * when the broker refused). Obtain one with {@link WorkqClient#async()}; the blocking methods of
 * {@link WorkqClient} are these, waited for.
 */
public final class AsyncClient {

  private final Connection connection;
  private final ClientOptions options;
  /** Where futures complete; null for the blocking API's own instance, whose caller only waits. */
  private final Executor completions;
  private final Lifecycle lifecycle;

  AsyncClient(Connection connection, ClientOptions options, Executor completions) {
    this.connection = connection;
    this.options = options;
    this.completions = completions;
    this.lifecycle = new Lifecycle(connection, options);
  }

  /** Puts {@code value} (mapped to JSON) on {@code queue}; completes with its id once the broker has it. */
  public CompletableFuture<String> put(String queue, Object value) {
    return putItem(queue, ItemKind.DATA, null, null, TaskOptions.DEFAULTS, value);
  }

  /**
   * Takes the next item off {@code queue}, waiting up to {@code timeout} (at most
   * {@value Fetch#MAX_TIMEOUT_MS} ms). The item is acked once it has arrived here. Empty if none
   * arrived in time.
   */
  public CompletableFuture<Optional<QueueItem>> get(String queue, Duration timeout) {
    Validate.queue("queue", queue);
    long waitMs = Math.min(timeout.toMillis(), Fetch.MAX_TIMEOUT_MS);
    return complete(connection.request(corr -> new Fetch(corr, queue, waitMs), waitMs + options.requestTimeout().toMillis())
        .thenApply(m -> {
          if (!(m instanceof Deliver d)) {
            return Optional.empty();
          }
          if (d.kind() != ItemKind.STOP) {
            connection.send(new Ack(d.tag()));
          }
          return Optional.of(new QueueItem(d.queue(), d.kind(), d.id(), d.handler(), d.attempts(), d.payload()));
        }));
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
   * Puts {@code workers} STOP sentinels on {@code queue}; completes once the broker has them all.
   * Each is taken by one worker, after the tasks queued before it, and that worker finishes what
   * it holds and exits.
   */
  public CompletableFuture<Void> stopWorkers(String queue, int workers) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1, got " + workers);
    }
    CompletableFuture<?>[] puts = new CompletableFuture<?>[workers];
    for (int i = 0; i < workers; i++) {
      puts[i] = putItem(queue, ItemKind.STOP, null, null, TaskOptions.DEFAULTS, null);
    }
    return CompletableFuture.allOf(puts);
  }

  /** Lists up to {@code limit} of {@code queue}'s dead letters, oldest first, with their total. */
  public CompletableFuture<DeadLetterPage> deadLetters(String queue, int limit) {
    return complete(deadLetters(queue, DeadLetters.Action.LIST, List.of(), limit).thenApply(WireValues::deadLetterPage));
  }

  /** Puts dead letters back on their queue with fresh attempts; no ids means all. Completes with how many. */
  public CompletableFuture<Integer> requeueDeadLetters(String queue, List<String> ids) {
    return complete(deadLetters(queue, DeadLetters.Action.REQUEUE, ids, 0).thenApply(DeadLettersReply::count));
  }

  /** Deletes dead letters; no ids means all. Completes with how many. */
  public CompletableFuture<Integer> purgeDeadLetters(String queue, List<String> ids) {
    return complete(deadLetters(queue, DeadLetters.Action.PURGE, ids, 0).thenApply(DeadLettersReply::count));
  }

  private CompletableFuture<DeadLettersReply> deadLetters(String queue, DeadLetters.Action action, List<String> ids, int limit) {
    // Built once here so a bad field fails in the caller's thread, with the field named.
    DeadLetters request = new DeadLetters(0, queue, action, ids, limit);
    return connection.request(corr -> new DeadLetters(corr, request.queue(), action, request.ids(), limit),
        options.requestTimeout().toMillis()).thenApply(m -> (DeadLettersReply) m);
  }

  /**
   * Every queue's counters and the connected workers. The broker answers in pages that fit a
   * frame; this reads them all and completes with them as one.
   */
  public CompletableFuture<BrokerStats> stats() {
    CompletableFuture<BrokerStats> result = new CompletableFuture<>();
    statsFrom(null, new ArrayList<>(), result);
    return complete(result);
  }

  private void statsFrom(String cursor, List<StatsReply> pages, CompletableFuture<BrokerStats> result) {
    connection.request(corr -> new StatsRequest(corr, cursor), options.requestTimeout().toMillis()).whenComplete((m, e) -> {
      if (e != null) {
        result.completeExceptionally(Futures.cause(e));
        return;
      }
      StatsReply page = (StatsReply) m;
      pages.add(page);
      if (page.next() == null) {
        result.complete(WireValues.brokerStats(pages));
      } else {
        statsFrom(page.next(), pages, result);
      }
    });
  }

  /**
   * Deletes {@code queue}; completes with how many items were deleted with it. Without
   * {@code force} it is refused (a {@link RemoteException}) while the queue has consumers or items
   * in flight (QUEUE_IN_USE) and while it holds items (QUEUE_NOT_EMPTY); {@code force} ends its
   * consumers (each worker gets a STOP) and deletes its items. UNKNOWN_QUEUE when it does not exist.
   */
  public CompletableFuture<Long> deleteQueue(String queue, boolean force) {
    return complete(connection.request(corr -> new DeleteQueue(corr, queue, force), options.requestTimeout().toMillis())
        .thenApply(m -> ((DeleteQueueOk) m).removed()));
  }

  /**
   * Where each task is, by id, in the order asked (any number of ids; the broker is asked 1000 at
   * a time). An id the broker does not know is {@link TaskState#NOT_FOUND}, not a failure.
   */
  public CompletableFuture<List<TaskStatus>> status(List<String> ids) {
    return complete(lifecycle.status(ids));
  }

  /**
   * Task {@code id}'s result record once it has finished (done, dead or cancelled), waiting up to
   * {@code timeout} (null: no limit). Fails with {@link WaitTimeoutException} if it has not
   * finished by then, and with a {@link RemoteException} UNKNOWN_TASK if the broker knows no
   * such task. Takes nothing off any queue: the result stays on its done queue. A task that its
   * consumer acked instead of completing (no worker ran it) has a record with no value.
   */
  public CompletableFuture<TaskResult> result(String id, Duration timeout) {
    return complete(lifecycle.result(id, timeout));
  }

  /**
   * Cancels task {@code id}: a ready, delayed or retrying task is removed, a running one is
   * revoked from its worker; either way its done queue gets a failed result whose error starts
   * {@code dev.workq.Cancelled}. A finished task is left as it is ({@link CancelResult#cancelled()}
   * false). UNKNOWN_TASK if the broker knows no such task.
   */
  public CompletableFuture<CancelResult> cancel(String id) {
    return complete(lifecycle.cancel(id));
  }

  /**
   * Completes once {@code queue} has no unfinished task (ready, delayed, running or not yet
   * durable), like Python's {@code JoinableQueue.join()}; fails with {@link WaitTimeoutException}
   * after {@code timeout} (null: no limit), or UNKNOWN_QUEUE.
   */
  public CompletableFuture<Void> join(String queue, Duration timeout) {
    return complete(lifecycle.join(queue, timeout));
  }

  /**
   * Closes {@code queue}: it takes no new tasks or values (QUEUE_CLOSED; STOPs still go in), and
   * once none is ready, delayed or running each worker consuming it gets one STOP. Stays closed
   * across broker restarts until the queue is deleted. UNKNOWN_QUEUE if there is no such queue.
   */
  public CompletableFuture<CloseResult> closeQueue(String queue) {
    return complete(lifecycle.close(queue));
  }

  /**
   * Removes every ready and delayed item of {@code queue} (tasks, values, pending STOPs), and its
   * dead letters too if {@code deadLetters}; items in flight finish. Removed tasks are forgotten,
   * not cancelled: no result is filed. UNKNOWN_QUEUE if there is no such queue.
   */
  public CompletableFuture<PurgeResult> purge(String queue, boolean deadLetters) {
    return complete(lifecycle.purge(queue, deadLetters));
  }

  /** The first {@code limit} (1 to 100) items {@code queue} would hand out, without taking them. UNKNOWN_QUEUE if none. */
  public CompletableFuture<PeekResult> peek(String queue, int limit) {
    return complete(lifecycle.peek(queue, limit));
  }

  /**
   * Takes the next result off the done queue {@code doneQueue}, waiting up to {@code timeout}
   * (empty if none came). The delivery is held until you {@link Delivery#ack()} it (or
   * {@link Delivery#release()} it); if the connection closes first it goes back. A queue that
   * holds tasks or has workers is refused with NOT_A_RESULT_QUEUE and gives nothing up, so
   * {@code "tasks"} for {@code "tasks.done"} cannot take a task.
   */
  public CompletableFuture<Optional<Delivery>> takeResult(String doneQueue, Duration timeout) {
    return complete(lifecycle.takeResult(doneQueue, timeout));
  }

  /**
   * Subscribes to {@code queue}: the broker pushes up to {@code prefetch} unfinished deliveries at
   * a time to {@code listener} (on the I/O thread: see {@link DeliveryListener}), spreading items
   * over all consumers of the queue. Completes once the broker has confirmed the subscription.
   */
  public CompletableFuture<Subscription> consume(String queue, int prefetch, DeliveryListener listener) {
    return complete(connection.consume(queue, prefetch, new Connection.DeliverySink() {
      @Override
      public void onDeliver(Deliver deliver) {
        listener.onDelivery(new Delivery(connection, deliver));
      }

      @Override
      public void onClose(String reason) {
        listener.onClose(reason);
      }
    }, options.requestTimeout().toMillis())
        .thenApply(m -> new Subscription(connection, ((ConsumeOk) m).consumer(), options.requestTimeout().toMillis())));
  }

  /**
   * Renews the leases of deliveries this client holds, so the broker does not take them back.
   * The worker runtime does this by heartbeat; a program that consumes tasks itself must too.
   * Sent without an answer.
   */
  public void renewLeases(long[] tags) {
    for (int from = 0; from < tags.length; from += dev.workq.protocol.Renew.MAX_TAGS) {
      connection.send(new dev.workq.protocol.Renew(java.util.Arrays.copyOfRange(tags, from,
          Math.min(tags.length, from + dev.workq.protocol.Renew.MAX_TAGS))));
    }
  }

  /** Completes when the connection to the broker has closed. */
  public CompletableFuture<Void> closeFuture() {
    return connection.closeFuture();
  }

  /** Puts one item: the one path every put, task and STOP takes, submit's included. */
  CompletableFuture<String> putItem(String queue, ItemKind kind, String handler, String replyTo, TaskOptions task, Object value) {
    Payload payload = value == null ? Payload.EMPTY : toJson(value);
    // In failover mode an item must have an id before it is first sent, so that sending it again
    // to the next broker queues it once (null: the broker chooses, as without failover).
    String id = task.id() != null ? task.id() : connection.newItemId();
    // Built once here so a bad field fails in the caller's thread, with the field named.
    Put put = new Put(0, queue, kind, id, handler, replyTo, task.maxAttempts(), task.leaseMs(), task.priority(),
        task.wireDelayMs(System.currentTimeMillis()), task.key(), payload);
    CompletableFuture<String> result = new CompletableFuture<>();
    long deadline = System.nanoTime() + options.requestTimeout().toNanos();
    sendPut(put, result, deadline, 1);
    return complete(result);
  }

  /**
   * Sends {@code put}; with {@link ClientOptions#waitWhenQueueFull()}, a QUEUE_FULL or
   * MEMORY_LIMIT answer is retried with backoff until the request timeout instead of failing at
   * once.
   */
  private void sendPut(Put put, CompletableFuture<String> result, long deadline, long backoffMs) {
    connection.request(corr -> new Put(corr, put.queue(), put.kind(), put.id(), put.handler(), put.replyTo(),
            put.maxAttempts(), put.leaseMs(), put.priority(), put.delayMs(), put.key(), put.payload()),
            options.requestTimeout().toMillis())
        .whenComplete((m, e) -> {
          if (e == null) {
            result.complete(((PutOk) m).id());
            return;
          }
          Throwable cause = Futures.cause(e);
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

  /** {@code f}, completing on the callback executor unless this instance serves the blocking API. */
  private <T> CompletableFuture<T> complete(CompletableFuture<T> f) {
    return completions == null ? f : Futures.on(completions, f);
  }
}
