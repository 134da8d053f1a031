package dev.workq.client;

import dev.workq.client.internal.Connection;
import dev.workq.client.internal.WireValues;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.Fetch;
import dev.workq.protocol.Message;
import dev.workq.protocol.QueueClose;
import dev.workq.protocol.QueueCloseOk;
import dev.workq.protocol.QueueJoin;
import dev.workq.protocol.QueueJoinOk;
import dev.workq.protocol.QueuePeek;
import dev.workq.protocol.QueuePeekOk;
import dev.workq.protocol.QueuePurge;
import dev.workq.protocol.QueuePurgeOk;
import dev.workq.protocol.TaskCancel;
import dev.workq.protocol.TaskCancelOk;
import dev.workq.protocol.TaskStatusOk;
import dev.workq.protocol.TaskWait;
import dev.workq.protocol.TaskWaitOk;
import dev.workq.protocol.Validate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The task and queue lifecycle requests (status, wait, cancel; purge, peek, close, join, results
 * only takes) for {@link AsyncClient}: it builds each request, checks its arguments in the
 * caller's thread, and turns the broker's answer into the client's values. Waits longer than the
 * protocol's one-hour maximum are made of several requests. Futures complete on the I/O thread;
 * AsyncClient moves them to the callback executor.
 */
final class Lifecycle {

  private final Connection connection;
  private final ClientOptions options;

  Lifecycle(Connection connection, ClientOptions options) {
    this.connection = connection;
    this.options = options;
  }

  private long requestMs() {
    return options.requestTimeout().toMillis();
  }

  CompletableFuture<List<TaskStatus>> status(List<String> ids) {
    if (ids == null || ids.isEmpty()) {
      throw new IllegalArgumentException("ids: at least one task id is required");
    }
    List<CompletableFuture<TaskStatusOk>> pages = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += dev.workq.protocol.TaskStatus.MAX_IDS) {
      List<String> page = List.copyOf(ids.subList(from, Math.min(ids.size(), from + dev.workq.protocol.TaskStatus.MAX_IDS)));
      new dev.workq.protocol.TaskStatus(0, page);
      pages.add(connection.request(corr -> new dev.workq.protocol.TaskStatus(corr, page), requestMs()).thenApply(m -> (TaskStatusOk) m));
    }
    return CompletableFuture.allOf(pages.toArray(CompletableFuture[]::new)).thenApply(v -> {
      List<TaskStatus> out = new ArrayList<>(ids.size());
      pages.forEach(p -> p.join().tasks().forEach(t -> out.add(WireValues.taskStatus(t))));
      return out;
    });
  }

  /** Task {@code id}'s result once it has finished, within {@code timeout} (null: no limit). */
  CompletableFuture<TaskResult> result(String id, Duration timeout) {
    new TaskWait(0, id, 0);
    CompletableFuture<TaskResult> out = new CompletableFuture<>();
    inChunks((corr, chunkMs) -> new TaskWait(corr, id, chunkMs), deadline(timeout), out, m -> {
      TaskWaitOk ok = (TaskWaitOk) m;
      TaskState state = WireValues.state(ok.state());
      if (!ok.finished()) {
        return null;
      }
      if (ok.result().length() == 0) {
        // A task its consumer ACKed instead of completing has no record: say so in one.
        return new TaskResult(id, state == TaskState.DONE, null, state == TaskState.DONE ? null
            : "dev.workq.NoResult: the task finished " + state + " without a result record", null, 0, 0);
      }
      return TaskResult.parse(ok.result());
    }, m -> {
      TaskState state = WireValues.state(((TaskWaitOk) m).state());
      return new WaitTimeoutException("task '" + id + "' did not finish within " + describe(timeout) + ": it is " + state, state, 0);
    });
    return out;
  }

  /**
   * One wait of any length as broker waits of at most the protocol's hour each: sends
   * {@code request} (for a corr and a wait in ms) until {@code finished} makes a value of an
   * answer (null: not yet), or the deadline passes ({@code timedOut} says why). A throw from
   * {@code finished} fails {@code out}, as does a refused request.
   */
  private <T> void inChunks(ChunkRequest request, long deadline, CompletableFuture<T> out, Function<Message, T> finished,
      Function<Message, Throwable> timedOut) {
    long chunkMs = chunkMs(deadline, TaskWait.MAX_TIMEOUT_MS);
    connection.request(corr -> request.make(corr, chunkMs), chunkMs + requestMs()).whenComplete((m, e) -> {
      if (e != null) {
        out.completeExceptionally(Futures.cause(e));
        return;
      }
      T value;
      try {
        value = finished.apply(m);
      } catch (RuntimeException bad) {
        out.completeExceptionally(bad);
        return;
      }
      if (value != null) {
        out.complete(value);
      } else if (expired(deadline)) {
        out.completeExceptionally(timedOut.apply(m));
      } else {
        inChunks(request, deadline, out, finished, timedOut);
      }
    });
  }

  /** A waiting request for one chunk of a wait. */
  private interface ChunkRequest {
    Message make(long corr, long chunkMs);
  }

  CompletableFuture<CancelResult> cancel(String id) {
    new TaskCancel(0, id);
    return connection.request(corr -> new TaskCancel(corr, id), requestMs()).thenApply(m -> {
      TaskCancelOk ok = (TaskCancelOk) m;
      return new CancelResult(ok.id(), WireValues.state(ok.was()), ok.cancelled());
    });
  }

  CompletableFuture<PurgeResult> purge(String queue, boolean deadLetters) {
    new QueuePurge(0, queue, deadLetters);
    return connection.request(corr -> new QueuePurge(corr, queue, deadLetters), requestMs()).thenApply(m -> {
      QueuePurgeOk ok = (QueuePurgeOk) m;
      return new PurgeResult(ok.queue(), ok.ready(), ok.delayed(), ok.stops(), ok.dead());
    });
  }

  CompletableFuture<PeekResult> peek(String queue, int limit) {
    new QueuePeek(0, queue, limit);
    return connection.request(corr -> new QueuePeek(corr, queue, limit), requestMs())
        .thenApply(m -> WireValues.peekResult((QueuePeekOk) m));
  }

  CompletableFuture<CloseResult> close(String queue) {
    new QueueClose(0, queue);
    return connection.request(corr -> new QueueClose(corr, queue), requestMs()).thenApply(m -> {
      QueueCloseOk ok = (QueueCloseOk) m;
      return new CloseResult(ok.queue(), ok.unfinished(), ok.workers());
    });
  }

  /** Completes once {@code queue} has no unfinished task, within {@code timeout} (null: no limit). */
  CompletableFuture<Void> join(String queue, Duration timeout) {
    new QueueJoin(0, queue, 0);
    CompletableFuture<Boolean> joined = new CompletableFuture<>();
    inChunks((corr, chunkMs) -> new QueueJoin(corr, queue, chunkMs), deadline(timeout), joined,
        m -> ((QueueJoinOk) m).joined() ? Boolean.TRUE : null, m -> {
          long unfinished = ((QueueJoinOk) m).unfinished();
          return new WaitTimeoutException("queue '" + queue + "' still has " + unfinished + " unfinished task"
              + (unfinished == 1 ? "" : "s") + " after " + describe(timeout), null, unfinished);
        });
    return joined.thenApply(ok -> null);
  }

  /**
   * Takes the next result item off {@code doneQueue}, unacked, waiting up to {@code timeout}:
   * a FETCH with resultsOnly, so a task queue named by mistake is refused (NOT_A_RESULT_QUEUE)
   * and gives nothing up.
   */
  CompletableFuture<Optional<Delivery>> takeResult(String doneQueue, Duration timeout) {
    Validate.queue("doneQueue", doneQueue);
    long waitMs = Math.min(Math.max(0, timeout.toMillis()), Fetch.MAX_TIMEOUT_MS);
    return connection.request(corr -> new Fetch(corr, doneQueue, waitMs, true), waitMs + requestMs())
        .thenApply(m -> m instanceof Deliver d ? Optional.of(new Delivery(connection, d)) : Optional.empty());
  }

  private static long deadline(Duration timeout) {
    if (timeout == null) {
      return Long.MAX_VALUE;
    }
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
    }
    long now = System.nanoTime();
    long ns = timeout.compareTo(Duration.ofDays(365 * 100)) > 0 ? Long.MAX_VALUE - now : timeout.toNanos();
    return now + ns;
  }

  /** The next wait's length: what is left of the deadline, at most {@code max}. */
  private static long chunkMs(long deadline, long max) {
    if (deadline == Long.MAX_VALUE) {
      return max;
    }
    return Math.min(max, Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
  }

  private static boolean expired(long deadline) {
    // The broker answers a wait when its time is up; what remains here is within a few ms of none.
    return deadline != Long.MAX_VALUE && deadline - System.nanoTime() < TimeUnit.MILLISECONDS.toNanos(5);
  }

  /** A duration as a person reads it: {@code 5 s}, {@code 1500 ms}. */
  static String describe(Duration d) {
    if (d == null) {
      return "no limit";
    }
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }
}
