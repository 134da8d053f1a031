package dev.workq.client.internal;

import dev.workq.protocol.transport.BurstExecutor;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * A single-threaded executor that hands its thread a burst of tasks at once
 * ({@link BurstExecutor}): an I/O thread that completes a window of futures in one read then
 * wakes the callback thread once, not once per future (a blocking queue's lock and signal per
 * task showed as a tenth of a busy submitter's I/O thread). Tasks run one at a time in the order
 * submitted, as on any single-threaded executor; this class adds the executor's life cycle.
 */
public final class DrainingExecutor extends AbstractExecutorService {

  private static final Logger log = Logging.logger(DrainingExecutor.class);

  private final ExecutorService thread;
  private final BurstExecutor bursts;

  /** Runs tasks on {@code thread}, which must have exactly one thread. */
  public DrainingExecutor(ExecutorService thread) {
    this.thread = thread;
    // As a thread pool would: one failing task does not stop the ones behind it.
    this.bursts = new BurstExecutor(thread, (task, e) -> log.warn("a callback failed", e));
  }

  @Override
  public void execute(Runnable task) {
    if (thread.isShutdown()) {
      thread.execute(task);
      return;
    }
    bursts.execute(task);
  }

  @Override
  public void shutdown() {
    thread.shutdown();
  }

  @Override
  public List<Runnable> shutdownNow() {
    List<Runnable> left = bursts.stop();
    left.addAll(thread.shutdownNow());
    return left;
  }

  @Override
  public boolean isShutdown() {
    return thread.isShutdown();
  }

  @Override
  public boolean isTerminated() {
    return thread.isTerminated() && bursts.isEmpty();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return thread.awaitTermination(timeout, unit);
  }
}
