package dev.workq.server.internal.journal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A {@link FailureLog.Sink} that keeps every line as "LEVEL message", and a fake clock to go with it. */
final class RecordingSink implements FailureLog.Sink {

  private final List<String> lines = new ArrayList<>();
  private final List<Throwable> debugCauses = new ArrayList<>();
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  /** The fake clock: moves only when {@link #advanceSeconds} is called. */
  LongSupplier clock() {
    return nanos::get;
  }

  void advanceSeconds(long seconds) {
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
  }

  @Override
  public synchronized void error(String message) {
    lines.add("ERROR " + message);
  }

  @Override
  public synchronized void warn(String message) {
    lines.add("WARN " + message);
  }

  @Override
  public synchronized void info(String message) {
    lines.add("INFO " + message);
  }

  @Override
  public synchronized void debug(String message, Throwable cause) {
    lines.add("DEBUG " + message);
    debugCauses.add(cause);
  }

  synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  synchronized List<String> lines(String level) {
    return lines.stream().filter(l -> l.startsWith(level + " ")).toList();
  }

  synchronized List<Throwable> debugCauses() {
    return List.copyOf(debugCauses);
  }

  synchronized void clear() {
    lines.clear();
    debugCauses.clear();
  }
}
