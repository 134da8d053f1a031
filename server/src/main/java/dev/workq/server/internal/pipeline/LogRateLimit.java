package dev.workq.server.internal.pipeline;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * Bounds a per-connection log line broker-wide: at most {@code max} lines per {@code interval},
 * then one "suppressed K similar lines" summary when the interval ends. Anyone who can open TCP
 * connections to the broker can make it log a line per connection before authenticating; without
 * a bound, a stranger writes the operator's log at the rate it can connect. One instance serves
 * one kind of line on every connection, so it is thread-safe. Time comes from a nanosecond clock
 * given to the constructor, so tests drive it by hand.
 */
public final class LogRateLimit {

  /** Default most lines per interval: 20. */
  public static final int DEFAULT_MAX = 20;
  /** Default interval: 10 s. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

  /** What {@link #acquire()} decided for one line. */
  public enum Decision {
    /** Log it. */
    LOG,
    /** Drop it; it is the first dropped in this interval, so schedule {@link #report} for the interval's end. */
    SUPPRESS_FIRST,
    /** Drop it; a report is already due. */
    SUPPRESS
  }

  private final String what;
  private final Level level;
  private final int max;
  private final long intervalNanos;
  private final LongSupplier clock;
  // Guarded by this.
  private long windowStart;
  private int logged;
  private long suppressed;

  /**
   * @param what the lines, as the summary names them ("connection-closing lines")
   * @param level the summary's level: the lines' own
   * @param max most lines per interval, at least 1
   * @param interval at least 1 ms
   * @param nanoClock {@link System#nanoTime} outside tests
   */
  public LogRateLimit(String what, Level level, int max, Duration interval, LongSupplier nanoClock) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be >= 1, got " + max);
    }
    if (interval == null || interval.toMillis() < 1) {
      throw new IllegalArgumentException("interval must be >= 1 ms, got " + interval);
    }
    this.what = what;
    this.level = level;
    this.max = max;
    this.intervalNanos = interval.toNanos();
    this.clock = nanoClock;
    this.windowStart = nanoClock.getAsLong();
  }

  /** A limit of {@link #DEFAULT_MAX} lines per {@link #DEFAULT_INTERVAL} on the system clock. */
  public static LogRateLimit withDefaults(String what, Level level) {
    return new LogRateLimit(what, level, DEFAULT_MAX, DEFAULT_INTERVAL, System::nanoTime);
  }

  /** Whether one more line may be logged now; counts it either way. */
  public synchronized Decision acquire() {
    long now = clock.getAsLong();
    if (now - windowStart >= intervalNanos && suppressed == 0) {
      windowStart = now;
      logged = 0;
    }
    if (logged < max && suppressed == 0) {
      logged++;
      return Decision.LOG;
    }
    return ++suppressed == 1 ? Decision.SUPPRESS_FIRST : Decision.SUPPRESS;
  }

  /** Time until the current interval ends, for scheduling {@link #report}; zero if it has. */
  public synchronized long nanosUntilIntervalEnds() {
    return Math.max(0, windowStart + intervalNanos - clock.getAsLong());
  }

  /**
   * Logs the summary of the lines dropped since the last one, if any, on {@code log}, and
   * starts a new interval. A report that comes early (before the interval ends) does nothing.
   * @return the number of lines it reported
   */
  public long report(Logger log) {
    long n;
    synchronized (this) {
      long now = clock.getAsLong();
      if (suppressed == 0 || now - windowStart < intervalNanos) {
        return 0;
      }
      n = suppressed;
      suppressed = 0;
      logged = 0;
      windowStart = now;
    }
    log.atLevel(level).log("suppressed {} similar {} in the last {} s (at most {} per {} s are logged)", n, what,
        TimeUnit.NANOSECONDS.toSeconds(intervalNanos), max, TimeUnit.NANOSECONDS.toSeconds(intervalNanos));
    return n;
  }

  /**
   * For callers: logs through {@code line} if allowed, else counts it and, on the interval's first
   * drop, schedules the summary on {@code executor} (an event loop) for when the interval ends.
   */
  public void log(Logger log, ScheduledExecutorService executor, Runnable line) {
    Decision d = acquire();
    if (d == Decision.LOG) {
      line.run();
    } else if (d == Decision.SUPPRESS_FIRST) {
      scheduleReport(log, executor);
    }
  }

  private void scheduleReport(Logger log, ScheduledExecutorService executor) {
    try {
      executor.schedule(() -> {
        // A clock that lags the scheduler could make the report early; then try again.
        if (report(log) == 0 && pending()) {
          scheduleReport(log, executor);
        }
      }, nanosUntilIntervalEnds() + TimeUnit.MILLISECONDS.toNanos(1), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // The event loop is shutting down with the broker; the count dies with it.
    }
  }

  private synchronized boolean pending() {
    return suppressed > 0;
  }
}
