package dev.workq.pool.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One task in flight (a single run, or a chunk of inputs) and the permit of the pool's
 * {@code maxInFlight} window it holds until its results are handed to the caller.
 */
public final class Submitted {

  private final String id;
  private final int inputs;
  private final CompletableFuture<List<InputResult>> results;
  private final Semaphore window;
  private final AtomicBoolean released = new AtomicBoolean();

  Submitted(String id, int inputs, CompletableFuture<List<InputResult>> results, Semaphore window) {
    this.id = id;
    this.inputs = inputs;
    this.results = results;
    this.window = window;
  }

  /** The task's id. */
  public String id() {
    return id;
  }

  /** Inputs the task carries. */
  public int inputs() {
    return inputs;
  }

  /** One outcome per input, in input order; fails only when no result came (connection lost, pool broken). */
  public CompletableFuture<List<InputResult>> results() {
    return results;
  }

  /** Gives the window permit back; once, however often it is called. */
  public void release() {
    if (released.compareAndSet(false, true)) {
      window.release();
    }
  }
}
