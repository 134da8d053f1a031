package dev.workq.client.internal;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * A single-threaded executor that hands its thread a burst of tasks at once: tasks queue on a
 * lock-free queue, and one drain task on the underlying thread runs everything queued. An I/O
 * thread that completes a window of futures in one read then wakes the callback thread once,
 * not once per future (a blocking queue's lock and signal per task showed as a tenth of a busy
 * submitter's I/O thread). Tasks run one at a time in the order submitted, as on any
 * single-threaded executor.
 */
public final class DrainingExecutor extends AbstractExecutorService {

  private static final Logger log = Logging.logger(DrainingExecutor.class);

  private final ExecutorService thread;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final Runnable drain = this::drain;
  /** Set by {@link #shutdownNow}: a drain under way stops before its next task. */
  private volatile boolean stopped;

  /** Runs tasks on {@code thread}, which must have exactly one thread. */
  public DrainingExecutor(ExecutorService thread) {
    this.thread = thread;
  }

  @Override
  public void execute(Runnable task) {
    if (thread.isShutdown()) {
      thread.execute(task);
      return;
    }
    tasks.add(task);
    if (scheduled.compareAndSet(false, true)) {
      thread.execute(drain);
    }
  }

  private void drain() {
    do {
      Runnable task;
      while (!stopped && (task = tasks.poll()) != null) {
        try {
          task.run();
        } catch (RuntimeException | Error e) {
          // As a thread pool would: one failing task does not stop the ones behind it.
          log.warn("a callback failed", e);
        }
      }
      scheduled.set(false);
    } while (!stopped && !tasks.isEmpty() && scheduled.compareAndSet(false, true));
  }

  @Override
  public void shutdown() {
    thread.shutdown();
  }

  @Override
  public List<Runnable> shutdownNow() {
    stopped = true;
    List<Runnable> left = thread.shutdownNow();
    Runnable task;
    while ((task = tasks.poll()) != null) {
      left.add(task);
    }
    return left;
  }

  @Override
  public boolean isShutdown() {
    return thread.isShutdown();
  }

  @Override
  public boolean isTerminated() {
    return thread.isTerminated() && tasks.isEmpty();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return thread.awaitTermination(timeout, unit);
  }
}
