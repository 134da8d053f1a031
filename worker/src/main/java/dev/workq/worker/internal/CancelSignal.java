package dev.workq.worker.internal;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task's cancellation: whether it was cancelled, the thread to interrupt while its handler runs,
 * and the handler's {@code onCancel} actions. The thread is interrupted only between
 * {@link #start} and {@link #finished}, under this object's lock, and {@link #finished} clears any
 * interrupt left over, so a cancel never reaches the next task the same pool thread runs.
 */
public final class CancelSignal {

  private static final Logger log = LoggerFactory.getLogger(CancelSignal.class);

  /** Never cancelled: for runs that cannot be (tests, a direct {@link TaskRunner#execute(TaskRunner.Task)}). */
  static CancelSignal none() {
    return new CancelSignal();
  }

  private boolean cancelled;
  private boolean finished;
  private Thread thread;
  private List<Runnable> actions;

  /** The handler is about to run on the calling thread; false if the task was cancelled already (do not run it). */
  public synchronized boolean start() {
    if (cancelled) {
      return false;
    }
    thread = Thread.currentThread();
    return true;
  }

  /** The handler returned or threw: no more interrupts, no more actions. On the handler's thread. */
  public void finished() {
    synchronized (this) {
      finished = true;
      thread = null;
      actions = null;
    }
    // An interrupt sent just before the lock was taken would otherwise hit the next task.
    Thread.interrupted();
  }

  public synchronized boolean isCancelled() {
    return cancelled;
  }

  /** Whether the handler has returned (or never ran and never will). */
  public synchronized boolean isFinished() {
    return finished;
  }

  /**
   * Cancels, once: runs the handler's actions, then interrupts its thread, so a handler woken by
   * the interrupt finds its actions done. False if already cancelled or finished.
   */
  public boolean cancel() {
    List<Runnable> run;
    synchronized (this) {
      if (cancelled || finished) {
        return false;
      }
      cancelled = true;
      run = actions == null ? List.of() : actions;
      actions = null;
    }
    // Outside the lock: an action is the handler's code.
    run.forEach(CancelSignal::runQuietly);
    synchronized (this) {
      if (thread != null) {
        thread.interrupt();
      }
    }
    return true;
  }

  /** Runs {@code action} on cancel, at once if cancelled already; never once finished. */
  void onCancel(Runnable action) {
    if (action == null) {
      throw new IllegalArgumentException("action must not be null");
    }
    synchronized (this) {
      if (finished) {
        return;
      }
      if (!cancelled) {
        if (actions == null) {
          actions = new ArrayList<>(1);
        }
        actions.add(action);
        return;
      }
    }
    runQuietly(action);
  }

  private static void runQuietly(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      log.warn("a handler's onCancel action failed", e);
    }
  }
}
