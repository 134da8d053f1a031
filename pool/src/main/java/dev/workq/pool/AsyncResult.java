package dev.workq.pool;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The result of {@link WorkqPool#applyAsync} or {@link WorkqPool#mapAsync}, as Python's
 * {@code AsyncResult}. Thread-safe.
 */
public interface AsyncResult<O> {

  /**
   * Waits for the result. A task that threw fails with {@link TaskFailedException} (its cause the
   * remote exception), a cancelled one with {@link TaskCancelledException}.
   */
  O get();

  /** As {@link #get()}, giving up after {@code timeout} with {@link PoolTimeoutException}; the task keeps running. */
  O get(Duration timeout);

  /** Whether the call has finished, well or not. */
  boolean ready();

  /** Whether the call finished without failing; {@link IllegalStateException} if it is not {@link #ready()} yet. */
  boolean successful();

  /** Waits up to {@code timeout} for the call to finish; returns {@link #ready()}. */
  boolean await(Duration timeout);

  /** Cancels the call's unfinished tasks (at the broker, and on a worker if running); returns at once. */
  void cancel();

  /** The id of the call's task; {@link IllegalStateException} for a call of several tasks (see {@link #taskIds()}). */
  String taskId();

  /** The ids of the call's tasks submitted so far, in input order. */
  List<String> taskIds();

  /**
   * The result as a future that completes on the client's callback executor; cancelling the
   * future does not cancel the task (use {@link #cancel()}).
   */
  CompletableFuture<O> toCompletableFuture();
}
