package dev.workq.pool.internal;

import dev.workq.client.WorkqException;
import dev.workq.pool.AsyncResult;
import dev.workq.pool.PoolTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** An {@link AsyncResult} over a future of the call's value, the ids of its tasks and how to cancel them. */
final class AsyncResultImpl<O> implements AsyncResult<O> {

  private final CompletableFuture<O> value;
  private final Supplier<List<String>> ids;
  private final Runnable cancel;
  private final Executor callbacks;

  AsyncResultImpl(CompletableFuture<O> value, Supplier<List<String>> ids, Runnable cancel, Executor callbacks) {
    this.value = value;
    this.ids = ids;
    this.cancel = cancel;
    this.callbacks = callbacks;
  }

  @Override
  public O get() {
    try {
      return value.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkqException("interrupted while waiting for a result", e);
    } catch (ExecutionException e) {
      throw Failures.unwrap(e);
    }
  }

  @Override
  public O get(Duration timeout) {
    try {
      return value.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new PoolTimeoutException("no result within " + timeout + " (the task keeps running)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkqException("interrupted while waiting for a result", e);
    } catch (ExecutionException e) {
      throw Failures.unwrap(e);
    }
  }

  @Override
  public boolean ready() {
    return value.isDone();
  }

  @Override
  public boolean successful() {
    if (!value.isDone()) {
      throw new IllegalStateException("the result is not ready");
    }
    return !value.isCompletedExceptionally();
  }

  @Override
  public boolean await(Duration timeout) {
    try {
      value.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // Finished with a failure, or not finished: ready() says which.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkqException("interrupted while waiting for a result", e);
    }
    return value.isDone();
  }

  @Override
  public void cancel() {
    cancel.run();
  }

  @Override
  public String taskId() {
    List<String> all = ids.get();
    if (all.size() != 1) {
      throw new IllegalStateException("this call has " + all.size() + " tasks: see taskIds()");
    }
    return all.get(0);
  }

  @Override
  public List<String> taskIds() {
    return ids.get();
  }

  @Override
  public CompletableFuture<O> toCompletableFuture() {
    CompletableFuture<O> out = new CompletableFuture<>();
    value.whenCompleteAsync((v, e) -> {
      if (e != null) {
        out.completeExceptionally(Failures.unwrap(e));
      } else {
        out.complete(v);
      }
    }, callbacks);
    return out;
  }
}
