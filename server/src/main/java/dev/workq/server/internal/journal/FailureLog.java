package dev.workq.server.internal.journal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a stream of failed journal writes into a few lines a person can read: one ERROR when
 * writes start failing (the cause's message; its stack trace only at DEBUG), a WARN at most every
 * {@link #DEFAULT_REMINDER_INTERVAL} while they keep failing, saying how many records were rejected
 * since the last line, and one INFO when they work again, saying how long the outage lasted and how
 * many records it rejected. A full disk fails every batch; logging each one wrote 2 MB in 13 s.
 *
 * <p>An outage lasts until every kind of operation that failed in it has succeeded again: under
 * {@code BATCH} writes can succeed while the periodic fsync keeps failing, and that is still one
 * outage, not an ERROR and an INFO per interval.
 *
 * <p>Owned by the journal's writer thread, which is the only caller; not thread-safe.
 */
final class FailureLog {

  /** Longest silence while writes keep failing: 1 minute. */
  static final Duration DEFAULT_REMINDER_INTERVAL = Duration.ofMinutes(1);

  /** What failed. */
  enum Operation {
    /** Writing a batch of records (and, under ALWAYS, its fsync). */
    WRITE,
    /** The periodic fsync under BATCH, after the records were confirmed. */
    FSYNC
  }

  /** Where the lines go: slf4j in the broker, a list in tests. */
  interface Sink {
    void error(String message);

    void warn(String message);

    void info(String message);

    /** Only for the first failure's stack trace. */
    void debug(String message, Throwable cause);

    /** @return a sink writing to {@code logger} */
    static Sink of(Logger logger) {
      return new Sink() {
        @Override
        public void error(String message) {
          logger.error(message);
        }

        @Override
        public void warn(String message) {
          logger.warn(message);
        }

        @Override
        public void info(String message) {
          logger.info(message);
        }

        @Override
        public void debug(String message, Throwable cause) {
          logger.debug(message, cause);
        }
      };
    }
  }

  /** The logger the broker's sink writes to. */
  static final Logger LOG = LoggerFactory.getLogger(FailureLog.class);

  private final Path dir;
  private final Sink sink;
  private final LongSupplier nanoClock;
  private final long reminderNanos;
  private final EnumSet<Operation> failing = EnumSet.noneOf(Operation.class);

  private long startNanos;
  private long lastReportNanos;
  private long failuresTotal;
  private long rejectedTotal;
  private long failuresSinceReport;
  private long rejectedSinceReport;

  /**
   * @param dir       the journal's directory, named in every line
   * @param nanoClock a monotonic clock in nanoseconds, such as {@code System::nanoTime}
   */
  FailureLog(Path dir, Sink sink, LongSupplier nanoClock, Duration reminderInterval) {
    this.dir = Objects.requireNonNull(dir, "dir");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    if (reminderInterval.isNegative() || reminderInterval.isZero()) {
      throw new IllegalArgumentException("reminderInterval must be positive, got " + reminderInterval);
    }
    this.reminderNanos = reminderInterval.toNanos();
  }

  /** @return true between the first failure and the success that ends the outage */
  boolean failing() {
    return !failing.isEmpty();
  }

  /**
   * Notes that {@code operation} failed with {@code cause}, rejecting {@code rejected} records
   * (0 for an fsync of records already confirmed).
   */
  void failed(Operation operation, Throwable cause, long rejected) {
    long now = nanoClock.getAsLong();
    boolean first = failing.isEmpty();
    failing.add(operation);
    failuresTotal++;
    rejectedTotal += rejected;
    if (first) {
      startNanos = now;
      lastReportNanos = now;
      failuresSinceReport = 0;
      rejectedSinceReport = 0;
      sink.error(firstLine(operation, cause, rejected));
      sink.debug("Stack trace of the first journal failure in " + dir, cause);
      return;
    }
    failuresSinceReport++;
    rejectedSinceReport += rejected;
    if (now - lastReportNanos >= reminderNanos) {
      sink.warn("Journal writes in " + dir + " still failing after " + format(now - startNanos) + ": " + describe(cause)
          + "; " + failuresSinceReport + " failed " + plural(failuresSinceReport, "attempt") + " rejected "
          + rejectedSinceReport + " " + plural(rejectedSinceReport, "record") + " since the last report ("
          + rejectedTotal + " in all)");
      lastReportNanos = now;
      failuresSinceReport = 0;
      rejectedSinceReport = 0;
    }
  }

  /** Notes that {@code operation} succeeded; ends the outage once nothing that failed in it is failing. */
  void succeeded(Operation operation) {
    if (failing.isEmpty() || !failing.remove(operation) || !failing.isEmpty()) {
      return;
    }
    long lasted = nanoClock.getAsLong() - startNanos;
    sink.info("Journal writes in " + dir + " work again after " + format(lasted) + " of failures: "
        + failuresTotal + " failed " + plural(failuresTotal, "attempt") + " rejected " + rejectedTotal + " "
        + plural(rejectedTotal, "record"));
    failuresTotal = 0;
    rejectedTotal = 0;
  }

  private String firstLine(Operation operation, Throwable cause, long rejected) {
    if (operation == Operation.FSYNC) {
      return "Periodic fsync of the journal in " + dir + " failed: " + describe(cause) + "; records confirmed since the "
          + "last fsync may not survive a power failure. Retrying; a reminder follows at most every "
          + format(reminderNanos) + " until it succeeds";
    }
    return "Journal write in " + dir + " failed: " + describe(cause) + "; rejected " + rejected + " "
        + plural(rejected, "record") + ". Records are rejected until a write succeeds; a reminder follows at most every "
        + format(reminderNanos);
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    return message == null || message.isBlank() ? cause.getClass().getName() : message;
  }

  private static String plural(long n, String word) {
    return n == 1 ? word : word + "s";
  }

  /** 850 ms, 13.2 s, 4 min 5 s, 2 h 3 min. */
  static String format(long nanos) {
    long ms = nanos / 1_000_000;
    if (ms < 1000) {
      return ms + " ms";
    }
    if (ms < 60_000) {
      return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    long s = ms / 1000;
    if (s < 3600) {
      return s / 60 + " min " + s % 60 + " s";
    }
    return s / 3600 + " h " + s % 3600 / 60 + " min";
  }
}
