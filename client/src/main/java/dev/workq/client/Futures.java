package dev.workq.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting on futures the way the blocking API promises: one {@link WorkqException}, whatever went wrong. */
final class Futures {

  private Futures() {}

  /** Waits for {@code f}; its failure is thrown as a {@link WorkqException}. */
  static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkqException("interrupted", e);
    } catch (ExecutionException e) {
      throw unwrap(e);
    }
  }

  /** As {@link #await}, giving up at {@code deadline} ({@link System#nanoTime()}; MAX_VALUE for never). */
  static <T> T awaitUntil(CompletableFuture<T> f, long deadline) {
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

  /** Takes a permit of {@code window}, giving up at {@code deadline}. */
  static void acquire(Semaphore window, long deadline) {
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

  /**
   * A future that completes like {@code f}, but on {@code executor}, failures included:
   * {@code thenApplyAsync} would complete a failed dependent on the thread that failed the
   * source, which is the event loop, and user callbacks must never run there.
   */
  static <T> CompletableFuture<T> on(Executor executor, CompletableFuture<T> f) {
    CompletableFuture<T> out = new CompletableFuture<>();
    f.whenCompleteAsync((v, e) -> {
      if (e != null) {
        out.completeExceptionally(cause(e));
      } else {
        out.complete(v);
      }
    }, executor);
    return out;
  }

  /** {@code e} without the CompletionException a dependent stage wraps it in. */
  static Throwable cause(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  static RuntimeException unwrap(Throwable e) {
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
