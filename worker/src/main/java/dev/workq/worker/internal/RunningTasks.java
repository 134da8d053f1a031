package dev.workq.worker.internal;

import dev.workq.protocol.Printable;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tasks one worker session holds, waiting or running, on {@code concurrency} handler threads;
 * and what happens when the broker revokes one (its task was cancelled). A revoked task that has
 * not started is dropped; a running one has its {@link CancelSignal} cancelled (its context reports
 * it, its thread is interrupted). A handler still running {@code cancelGrace} later is
 * <b>abandoned</b>: it stops counting as held (a stop no longer waits for it) and the pool gets one
 * more thread, so its slot runs the next task at once; when the handler finally returns, the pool
 * shrinks back. Nothing is sent for a revoked task.
 */
public final class RunningTasks {

  /** Runs an action after a delay: the worker's timer thread, or a test's hand-stepped clock. */
  public interface Delays {
    void after(Duration delay, Runnable action);
  }

  private static final Logger log = LoggerFactory.getLogger(RunningTasks.class);

  private enum State { HELD, ENDED, ABANDONED }

  private final class Job implements Runnable {
    final WorkItem item;
    final CancelSignal cancel = new CancelSignal();
    /** Guarded by {@link RunningTasks#this}. */
    State state = State.HELD;

    Job(WorkItem item) {
      this.item = item;
    }

    @Override
    public void run() {
      try {
        if (runner.run(item, cancel)) {
          completed.run();
        }
      } finally {
        leases.release(item);
        ended(this);
      }
    }
  }

  private final ThreadPoolExecutor pool;
  private final int concurrency;
  private final TaskRunner runner;
  private final LeaseKeeper leases;
  private final Duration cancelGrace;
  private final Executor cancels;
  private final Delays delays;
  private final Runnable completed;
  private final String worker;
  /** Held tasks, waiting or running, not abandoned. */
  private final Map<Long, Job> held = new ConcurrentHashMap<>();
  /** Threads added for abandoned handlers still running; guarded by {@code this}. */
  private int abandoned;

  /**
   * @param cancels where a cancel's interrupt and the handler's actions run (never the I/O thread)
   * @param completed called after each result sent
   */
  public RunningTasks(int concurrency, TaskRunner runner, LeaseKeeper leases, Duration cancelGrace, Executor cancels,
      Delays delays, Runnable completed, String worker) {
    this.concurrency = concurrency;
    this.runner = runner;
    this.leases = leases;
    this.cancelGrace = cancelGrace;
    this.cancels = cancels;
    this.delays = delays;
    this.completed = completed;
    this.worker = worker;
    this.pool = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        new DefaultThreadFactory("workq-task"));
  }

  /**
   * Holds {@code item} and queues it for a handler thread.
   *
   * @throws RejectedExecutionException once {@link #shutdown()} was called: the caller hands it back
   */
  public void submit(WorkItem item) {
    Job job = new Job(item);
    leases.hold(item);
    held.put(item.tag(), job);
    item.onRevoke(() -> cancels.execute(() -> revoked(job)));
    try {
      pool.execute(job);
    } catch (RejectedExecutionException e) {
      leases.release(item);
      held.remove(item.tag());
      throw e;
    }
  }

  /** Tasks waiting for a thread. */
  public int waiting() {
    return pool.getQueue().size();
  }

  /** Tasks held, waiting or running, not counting abandoned ones. */
  public int held() {
    return held.size();
  }

  /** Takes the tasks not started off the queue and returns them, for the caller to hand back. */
  public List<WorkItem> drainWaiting() {
    List<Runnable> waiting = new ArrayList<>();
    pool.getQueue().drainTo(waiting);
    List<WorkItem> items = new ArrayList<>(waiting.size());
    for (Runnable r : waiting) {
      Job job = (Job) r;
      leases.release(job.item);
      ended(job);
      items.add(job.item);
    }
    return items;
  }

  /** Takes no new tasks; the queued ones still run. */
  public void shutdown() {
    pool.shutdown();
  }

  /**
   * Waits until no task is held (each finished, was dropped or abandoned), up to {@code timeout}.
   *
   * @return whether none is left
   */
  public synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!held.isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  /**
   * Stops everything: running handlers are interrupted, waiting tasks dropped. Returns the tasks
   * still held (waiting, or running and not revoked), for the caller to hand back.
   */
  public List<WorkItem> shutdownNow() {
    List<WorkItem> left = new ArrayList<>();
    for (Runnable r : pool.shutdownNow()) {
      Job job = (Job) r;
      leases.release(job.item);
      ended(job);
      left.add(job.item);
    }
    for (Job job : held.values()) {
      if (!job.item.isRevoked()) {
        left.add(job.item);
      }
    }
    return left;
  }

  /** The broker revoked {@code job}'s task: drop it, or cancel it and abandon it after the grace. Off the I/O thread. */
  private void revoked(Job job) {
    leases.release(job.item);
    if (pool.remove(job)) {
      log.info("worker {}: task {} was cancelled before it started", worker, Printable.escape(job.item.id()));
      ended(job);
      return;
    }
    if (job.cancel.cancel()) {
      log.info("worker {}: task {} was cancelled; stopping its handler", worker, Printable.escape(job.item.id()));
      delays.after(cancelGrace, () -> abandon(job));
    }
  }

  /** The grace after a cancel is over: a handler still running is left behind and its slot given to the next task. */
  private void abandon(Job job) {
    synchronized (this) {
      if (job.state != State.HELD || job.cancel.isFinished()) {
        return;
      }
      job.state = State.ABANDONED;
      held.remove(job.item.tag());
      abandoned++;
      resize();
      notifyAll();
    }
    log.warn("worker {}: handler '{}' of cancelled task {} still runs {} ms after its cancel; abandoning it (its thread is "
        + "left running, a new one takes its slot)", worker, Printable.escape(job.item.handler()), Printable.escape(job.item.id()),
        cancelGrace.toMillis());
  }

  /** {@code job} ran, or will never run: it is no longer held; an abandoned handler's extra thread goes. */
  private void ended(Job job) {
    synchronized (this) {
      if (job.state == State.HELD) {
        job.state = State.ENDED;
        held.remove(job.item.tag());
        notifyAll();
      } else if (job.state == State.ABANDONED) {
        job.state = State.ENDED;
        abandoned--;
        resize();
      }
    }
  }

  /** Threads: {@code concurrency} plus one per abandoned handler still running. Under {@code this}. */
  private void resize() {
    int size = concurrency + abandoned;
    // The core size may never exceed the maximum: raise the maximum first, lower it last.
    if (size > pool.getMaximumPoolSize()) {
      pool.setMaximumPoolSize(size);
      pool.setCorePoolSize(size);
    } else {
      pool.setCorePoolSize(size);
      pool.setMaximumPoolSize(size);
    }
  }
}
