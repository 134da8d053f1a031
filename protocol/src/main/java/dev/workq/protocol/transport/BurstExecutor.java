package dev.workq.protocol.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs tasks handed in from other threads on one target thread, a burst at a time: tasks queue
 * on a lock-free queue and one drain, handed to the target, runs everything queued, so a burst of
 * a thousand tasks costs the target one hand-over (one lock, one wake-up) instead of a thousand.
 * Tasks run one at a time in the order queued. {@link WriteQueue} drains messages the same way;
 * this is the same pattern for plain tasks (the core's journal confirmations, a client's
 * callbacks).
 */
public final class BurstExecutor implements Executor {

  /** Told of a task that threw; the drain goes on with the next. */
  public interface FailureHandler {
    void failed(Runnable task, RuntimeException e);
  }

  private final Executor target;
  private final FailureHandler onFailure;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final Runnable drain = this::drain;
  /** Set by {@link #stop}: a drain under way stops before its next task. */
  private volatile boolean stopped;

  /** Runs tasks through {@code target}, which must run what it is given one at a time, in order. */
  public BurstExecutor(Executor target, FailureHandler onFailure) {
    this.target = target;
    this.onFailure = onFailure;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    if (scheduled.compareAndSet(false, true)) {
      target.execute(drain);
    }
  }

  /** Stops running tasks (a drain under way ends before its next) and hands back those not run. */
  public List<Runnable> stop() {
    stopped = true;
    List<Runnable> left = new ArrayList<>();
    Runnable task;
    while ((task = tasks.poll()) != null) {
      left.add(task);
    }
    return left;
  }

  /** Whether tasks are queued and not yet run. */
  public boolean isEmpty() {
    return tasks.isEmpty();
  }

  /**
   * Runs what is queued. An Error from a task leaves through here (the target's thread decides
   * what it means), but the flag is cleared first, so the next task schedules a drain again.
   */
  private void drain() {
    do {
      try {
        Runnable task;
        while (!stopped && (task = tasks.poll()) != null) {
          try {
            task.run();
          } catch (RuntimeException e) {
            onFailure.failed(task, e);
          }
        }
      } finally {
        scheduled.set(false);
      }
    } while (!stopped && !tasks.isEmpty() && scheduled.compareAndSet(false, true));
  }
}
