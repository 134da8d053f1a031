package dev.workq.server.internal.core;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * The core's clock and thread for unit tests: time moves only when a test {@link #advance}s it,
 * and tasks handed to the core run on the test's own thread, when the test says
 * ({@link #runPending}, which {@link #advance} also does). A timer runs at its due time, with the
 * clock set to that time, in due order; so a test sees exactly what the core does at each moment,
 * without sleeps or threads.
 */
final class FakeClock implements CoreClock, CoreThread {

  /** Arbitrary non-zero origins, so nothing depends on time starting at 0. */
  private static final long NANO_ORIGIN = 5_000_000_000L;
  private static final long WALL_ORIGIN = 1_800_000_000_000L;

  private final class Timer implements Cancellable {
    final Runnable task;
    final long period;
    final long order = timersMade++;
    long dueMs;
    boolean cancelled;

    Timer(Runnable task, long dueMs, long period) {
      this.task = task;
      this.dueMs = dueMs;
      this.period = period;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  private final ArrayDeque<Runnable> pending = new ArrayDeque<>();
  private final PriorityQueue<Timer> timers =
      new PriorityQueue<>(Comparator.comparingLong((Timer t) -> t.dueMs).thenComparingLong(t -> t.order));
  private long timersMade;
  private long elapsedMs;
  private boolean shutDown;

  FakeClock() {
    this(0);
  }

  /** A clock that starts {@code elapsedMs} after the usual origin: a broker started later, as after a restart. */
  FakeClock(long elapsedMs) {
    this.elapsedMs = elapsedMs;
  }

  /** Milliseconds since the clock was made. */
  long elapsedMs() {
    return elapsedMs;
  }

  /** Runs every task handed to the core thread, and those they hand in, until none is left. */
  void runPending() {
    Runnable r;
    while ((r = pending.poll()) != null) {
      r.run();
    }
  }

  /** Moves time on by {@code ms}, running each timer due on the way at its time, then what they handed in. */
  void advance(long ms) {
    runPending();
    long target = elapsedMs + ms;
    Timer t;
    while ((t = timers.peek()) != null && t.dueMs <= target) {
      timers.poll();
      if (t.cancelled) {
        continue;
      }
      elapsedMs = Math.max(elapsedMs, t.dueMs);
      if (t.period > 0) {
        t.dueMs += t.period;
        timers.add(t);
      }
      t.task.run();
      runPending();
    }
    elapsedMs = target;
  }

  @Override
  public long nanoTime() {
    return NANO_ORIGIN + elapsedMs * 1_000_000;
  }

  @Override
  public long wallMillis() {
    return WALL_ORIGIN + elapsedMs;
  }

  @Override
  public Cancellable schedule(Runnable task, long delayMs) {
    Timer t = new Timer(task, elapsedMs + delayMs, 0);
    timers.add(t);
    return t;
  }

  @Override
  public Cancellable scheduleAtFixedRate(Runnable task, long periodMs) {
    Timer t = new Timer(task, elapsedMs + periodMs, periodMs);
    timers.add(t);
    return t;
  }

  @Override
  public void execute(Runnable task) {
    if (!shutDown) {
      pending.add(task);
    }
  }

  @Override
  public void executeUnguarded(Runnable task) {
    execute(task);
  }

  @Override
  public boolean inThread() {
    return true;
  }

  @Override
  public void shutdown() {
    shutDown = true;
    pending.clear();
    timers.clear();
  }
}
