package dev.workq.server.internal.http;

import dev.workq.server.internal.core.CoreSnapshot;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Coalesces the HTTP plane's snapshots, so that concurrent scrapes and dashboard polls do not
 * pile snapshot requests onto the core thread: a request shares the snapshot in progress, or one
 * asked for less than {@link #MAX_AGE_MS} ago. Each snapshot is sorted once, on the HTTP plane's
 * executor (the core hands it over unsorted). A failed snapshot is not reused.
 */
final class SnapshotCache {

  /** How old a snapshot may be, counted from when it was asked for, and still be served. */
  static final long MAX_AGE_MS = 100;

  private final Supplier<CompletableFuture<CoreSnapshot>> source;
  private final Executor executor;
  private final LongSupplier nanoTime;
  private CompletableFuture<CoreSnapshot> current;
  private long askedAt;

  SnapshotCache(Supplier<CompletableFuture<CoreSnapshot>> source, Executor executor) {
    this(source, executor, System::nanoTime);
  }

  SnapshotCache(Supplier<CompletableFuture<CoreSnapshot>> source, Executor executor, LongSupplier nanoTime) {
    this.source = source;
    this.executor = executor;
    this.nanoTime = nanoTime;
  }

  /** A sorted snapshot no older than {@link #MAX_AGE_MS}; completes on the executor (or at once). */
  synchronized CompletableFuture<CoreSnapshot> get() {
    long now = nanoTime.getAsLong();
    if (current != null && !current.isCompletedExceptionally()
        && (!current.isDone() || now - askedAt < TimeUnit.MILLISECONDS.toNanos(MAX_AGE_MS))) {
      return current;
    }
    askedAt = now;
    current = take();
    return current;
  }

  private CompletableFuture<CoreSnapshot> take() {
    CompletableFuture<CoreSnapshot> sorted = new CompletableFuture<>();
    CompletableFuture<CoreSnapshot> raw;
    try {
      raw = source.get();
    } catch (RejectedExecutionException e) {
      // The core has stopped: the handler answers 503.
      sorted.completeExceptionally(e);
      return sorted;
    }
    // Completes on the core thread: hand over to the executor at once, never sort or encode there.
    raw.whenComplete((s, e) -> {
      if (e != null) {
        sorted.completeExceptionally(e);
        return;
      }
      try {
        executor.execute(() -> {
          try {
            sorted.complete(s.sorted());
          } catch (RuntimeException ex) {
            sorted.completeExceptionally(ex);
          }
        });
      } catch (RejectedExecutionException ex) {
        sorted.completeExceptionally(ex);
      }
    });
    return sorted;
  }
}
