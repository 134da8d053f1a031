package dev.workq.bench.workload;

import dev.workq.bench.system.ResultSink;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * Accounts for one run: the intended submit time of every task, how often its result came back,
 * and the round-trip latency histogram (HdrHistogram, nanoseconds, 3 significant digits).
 */
final class Tracker implements ResultSink {

  private final int n;
  private final AtomicLongArray intended;
  private final AtomicIntegerArray seen;
  private final Histogram histogram = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
  private final Semaphore window;
  private final CountDownLatch allBack;
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicInteger submitted = new AtomicInteger();
  private final AtomicReference<String> firstError = new AtomicReference<>();
  private volatile long lastResultNanos;

  Tracker(int n, Semaphore window) {
    this.n = n;
    this.intended = new AtomicLongArray(n);
    this.seen = new AtomicIntegerArray(n);
    this.window = window;
    this.allBack = new CountDownLatch(n);
  }

  void submitting(int id, long intendedNanos) {
    intended.set(id, intendedNanos);
    submitted.incrementAndGet();
  }

  @Override
  public void onResult(long id) {
    long now = System.nanoTime();
    if (id < 0 || id >= n) {
      onError("result for unknown task " + id);
      return;
    }
    int times = seen.incrementAndGet((int) id);
    if (times == 1) {
      long latency = Math.max(0, now - intended.get((int) id));
      synchronized (histogram) {
        histogram.recordValue(Math.min(latency, histogram.getHighestTrackableValue()));
      }
      lastResultNanos = now;
      if (window != null) {
        window.release();
      }
      allBack.countDown();
    } else {
      duplicates.incrementAndGet();
    }
  }

  @Override
  public void onError(String message) {
    errors.incrementAndGet();
    firstError.compareAndSet(null, message);
  }

  /** Waits until every submitted task has a result or the deadline passes; true in the first case. */
  boolean awaitSubmitted(long deadlineNanos) throws InterruptedException {
    while (outstanding() > 0) {
      if (System.nanoTime() > deadlineNanos) {
        return false;
      }
      Thread.sleep(1);
    }
    return true;
  }

  long outstanding() {
    return submitted.get() - (n - allBack.getCount());
  }

  WorkloadResult result(String system, String workload, int payload, double targetRate, long firstSubmitNanos,
      long startNanos, String note) {
    long back = n - allBack.getCount();
    long lost = submitted.get() - back;
    double span = (lastResultNanos - firstSubmitNanos) / 1e9;
    Histogram h;
    synchronized (histogram) {
      h = histogram.copy();
    }
    String err = firstError.get();
    String fullNote = note;
    if (err != null) {
      fullNote = (note.isEmpty() ? "" : note + "; ") + "first error: " + err;
    }
    if (submitted.get() < n) {
      fullNote = (fullNote.isEmpty() ? "" : fullNote + "; ") + "submitted only " + submitted.get() + " of " + n;
    }
    return new WorkloadResult(system, workload, payload, submitted.get(), targetRate, back == 0 || span <= 0 ? 0 : back / span,
        micros(h.getValueAtPercentile(50)), micros(h.getValueAtPercentile(99)), micros(h.getValueAtPercentile(99.9)),
        micros(h.getMaxValue()), lost, duplicates.get(), errors.get(), (System.nanoTime() - startNanos) / 1e9, fullNote);
  }

  private static double micros(long nanos) {
    return nanos / 1000.0;
  }
}
