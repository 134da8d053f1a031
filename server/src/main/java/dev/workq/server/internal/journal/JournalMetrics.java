package dev.workq.server.internal.journal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Thread-safe counters behind {@link JournalStats}. The writer thread, the compaction thread
 * and the opening thread update them; any thread may take a {@link #snapshot()}.
 */
final class JournalMetrics {
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
    }
  }

  JournalStats snapshot() {
    return new JournalStats(appends.get(), appendFailures.get(), fsyncs.get(),
        lastFsyncNanos.get(), totalFsyncNanos.get(), fsyncFailures.get(),
        bytesWritten.get(), compactions.get(), compactionFailures.get(),
        truncatedTailBytes.get());
  }
}
