package dev.workq.server.internal.journal;

import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Thread-safe counters behind {@link JournalStats}, and the optional fsync latency timer. The
 * writer thread, the compaction thread and the opening thread update them; any thread may take a
 * {@link #snapshot()} or read the timer.
 */
final class JournalMetrics {
  /** Null when no one asked for fsync latencies. */
  private final Timer fsyncTimer;
  final AtomicLong appends = new AtomicLong();
  final AtomicLong appendFailures = new AtomicLong();
  final AtomicLong fsyncs = new AtomicLong();
  final AtomicLong lastFsyncNanos = new AtomicLong();
  final AtomicLong totalFsyncNanos = new AtomicLong();
  final AtomicLong fsyncFailures = new AtomicLong();
  final AtomicLong bytesWritten = new AtomicLong();
  final AtomicLong compactions = new AtomicLong();
  final AtomicLong compactionFailures = new AtomicLong();
  final AtomicLong truncatedTailBytes = new AtomicLong();
  /** Rounds of the writer that wrote records: how well appends are batched (appends / rounds). */
  final AtomicLong writeRounds = new AtomicLong();
  /** Write calls on segment files for records (headers of new segments not counted). */
  final AtomicLong writeCalls = new AtomicLong();
  /** Times an append had to unpark the idle writer thread. */
  final AtomicLong writerWakeups = new AtomicLong();

  JournalMetrics(Timer fsyncTimer) {
    this.fsyncTimer = fsyncTimer;
  }

  /** Forces {@code file} and records the call's latency, so every fsync shows in the stats. */
  void timedForce(Storage.WritableFile file) throws java.io.IOException {
    long start = System.nanoTime();
    try {
      file.force();
    } catch (java.io.IOException | RuntimeException e) {
      fsyncFailures.incrementAndGet();
      throw e;
    } finally {
      long elapsed = System.nanoTime() - start;
      fsyncs.incrementAndGet();
      lastFsyncNanos.set(elapsed);
      totalFsyncNanos.addAndGet(elapsed);
      if (fsyncTimer != null) {
        // Lock-free and allocation-free (adders and an atomic bucket array): fine on the writer thread.
        fsyncTimer.record(elapsed, TimeUnit.NANOSECONDS);
      }
    }
  }

  JournalStats snapshot() {
    return new JournalStats(appends.get(), appendFailures.get(), fsyncs.get(),
        lastFsyncNanos.get(), totalFsyncNanos.get(), fsyncFailures.get(),
        bytesWritten.get(), compactions.get(), compactionFailures.get(),
        truncatedTailBytes.get());
  }

  /** How appends were batched, for the close log: not in {@link JournalStats}, which the broker exports. */
  String batching() {
    long rounds = writeRounds.get();
    return "write rounds=" + rounds + ", write calls=" + writeCalls.get()
        + ", writer wake-ups=" + writerWakeups.get()
        + ", records per round=" + (rounds == 0 ? 0 : (appends.get() + appendFailures.get()) / rounds);
  }
}
