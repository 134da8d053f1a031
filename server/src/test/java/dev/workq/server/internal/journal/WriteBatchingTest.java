package dev.workq.server.internal.journal;

import static dev.workq.server.internal.journal.JournalTestSupport.WAIT_SECONDS;
import static dev.workq.server.internal.journal.JournalTestSupport.assertSameRecords;
import static dev.workq.server.internal.journal.JournalTestSupport.offsetOf;
import static dev.workq.server.internal.journal.JournalTestSupport.options;
import static dev.workq.server.internal.journal.JournalTestSupport.records;
import static dev.workq.server.internal.journal.JournalTestSupport.replay;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.server.FsyncPolicy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without an fsync per round (NEVER, BATCH) the writer still batches: what is queued while it
 * writes goes out in one write, a steady stream of appends shares few writes, and every record is
 * confirmed only once the write holding it has returned.
 */
class WriteBatchingTest {

  @TempDir
  Path dir;

  @Test
  void neverWritesEverythingQueuedDuringAWriteInOneWriteAndConfirmsEachAfterIt() throws Exception {
    GatedStorage storage = new GatedStorage();
    JournalOptions opts = options(dir).storage(storage).fsync(FsyncPolicy.NEVER).build();
    List<byte[]> records = records(40, 1000);
    Confirmations confirmations = new Confirmations(records, storage);
    try (Journal journal = Journal.open(opts, r -> { })) {
      storage.holdNextWrite();
      journal.append(records.get(0), confirmations.callback(0));
      assertTrue(storage.held.await(WAIT_SECONDS, TimeUnit.SECONDS), "the writer never wrote record 0");
      for (int i = 1; i < records.size(); i++) {
        journal.append(records.get(i), confirmations.callback(i));
      }
      storage.release();
      confirmations.await();
      assertEquals(2, storage.recordWrites.get(),
          "record 0 in one write, the 999 queued meanwhile in one more");
    }
    confirmations.assertEachAfterItsWrite();
    assertSameRecords(records, replay(dir));
  }

  @Test
  void neverCoalescesASteadyStreamOfAppendsIntoFewWrites() throws Exception {
    GatedStorage storage = new GatedStorage();
    JournalOptions opts = options(dir).storage(storage).fsync(FsyncPolicy.NEVER).build();
    List<byte[]> records = records(41, 2000);
    Confirmations confirmations = new Confirmations(records, storage);
    try (Journal journal = Journal.open(opts, r -> { })) {
      // One record every 20 µs, about the pace of a busy broker's core: without the pause each
      // would find the writer idle and get a wake-up and a write of its own.
      long next = System.nanoTime();
      for (int i = 0; i < records.size(); i++) {
        while (System.nanoTime() < next) {
          Thread.onSpinWait();
        }
        next += TimeUnit.MICROSECONDS.toNanos(20);
        journal.append(records.get(i), confirmations.callback(i));
      }
      confirmations.await();
      int writes = storage.recordWrites.get();
      assertTrue(writes < records.size() / 4, records.size() + " records took " + writes + " writes");
      assertEquals(0, storage.forces.get(), "NEVER forced during appends");
    }
    confirmations.assertEachAfterItsWrite();
    assertSameRecords(records, replay(dir));
  }

  @Test
  void batchForcesWithinItsIntervalOfAWriteEvenWhenThePauseIsLonger() throws Exception {
    GatedStorage storage = new GatedStorage();
    JournalOptions opts = options(dir).storage(storage).fsync(FsyncPolicy.BATCH)
        .batchIntervalMillis(1).coalesceMicros(JournalOptions.MAX_COALESCE_MICROS).build();
    List<byte[]> records = records(42, 200);
    Confirmations confirmations = new Confirmations(records, storage);
    try (Journal journal = Journal.open(opts, r -> { })) {
      for (int i = 0; i < records.size(); i++) {
        journal.append(records.get(i), confirmations.callback(i));
        Thread.sleep(1);
      }
      confirmations.await();
    }
    // From each record write to the force after it: about the 1 ms interval, not the 10 ms pause.
    List<Long> gaps = storage.writeToForceNanos();
    assertTrue(gaps.size() > 5, "writes followed by a force: " + gaps.size());
    long median = gaps.stream().sorted().toList().get(gaps.size() / 2);
    assertTrue(median < TimeUnit.MILLISECONDS.toNanos(5), "median write-to-force " + median / 1000 + " µs");
    confirmations.assertEachAfterItsWrite();
    assertSameRecords(records, replay(dir));
  }

  @Test
  void coalescingPauseIsBounded() {
    assertThrows(IllegalArgumentException.class, () -> options(dir).coalesceMicros(-1));
    assertThrows(IllegalArgumentException.class,
        () -> options(dir).coalesceMicros(JournalOptions.MAX_COALESCE_MICROS + 1));
    assertEquals(JournalOptions.DEFAULT_COALESCE_MICROS, options(dir).build().coalesceMicros());
  }

  /** Each record's callback: notes how far the segment had been written when it ran. */
  private static final class Confirmations {
    final List<byte[]> records;
    final GatedStorage storage;
    final long[] writtenWhenConfirmed;
    final CountDownLatch latch;
    final AtomicReference<Throwable> error = new AtomicReference<>();

    Confirmations(List<byte[]> records, GatedStorage storage) {
      this.records = records;
      this.storage = storage;
      this.writtenWhenConfirmed = new long[records.size()];
      this.latch = new CountDownLatch(records.size());
    }

    Journal.AppendCallback callback(int index) {
      return e -> {
        if (e != null) {
          error.compareAndSet(null, e);
        }
        writtenWhenConfirmed[index] = storage.writtenEnd.get();
        latch.countDown();
      };
    }

    void await() throws InterruptedException {
      assertTrue(latch.await(WAIT_SECONDS, TimeUnit.SECONDS), "callbacks did not all fire in time");
      if (error.get() != null) {
        throw new AssertionError("append failed", error.get());
      }
    }

    /** The records are in one segment, so record i ends where record i + 1 starts. */
    void assertEachAfterItsWrite() {
      for (int i = 0; i < records.size(); i++) {
        long end = offsetOf(records, i + 1);
        assertTrue(writtenWhenConfirmed[i] >= end, "record " + i + " (ending at byte " + end
            + ") was confirmed when only " + writtenWhenConfirmed[i] + " bytes were written");
      }
    }
  }

  /**
   * {@link FileStorage} that counts record writes and forces, records how far segments have been
   * written (once each write has returned), and can hold the next record write until released.
   */
  private static final class GatedStorage extends ForwardingStorage {
    final AtomicInteger recordWrites = new AtomicInteger();
    final AtomicInteger forces = new AtomicInteger();
    final AtomicLong writtenEnd = new AtomicLong();
    /** Start time of the first record write not yet followed by a force, or 0. */
    private final AtomicLong unforcedSince = new AtomicLong();
    private final List<Long> writeToForce = new java.util.concurrent.CopyOnWriteArrayList<>();
    final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile boolean holdNext;

    void holdNextWrite() {
      holdNext = true;
    }

    void release() {
      released.countDown();
    }

    List<Long> writeToForceNanos() {
      return writeToForce;
    }

    @Override
    void write(WritableFile real, ByteBuffer source, long position) throws IOException {
      if (position < JournalFormat.SEGMENT_HEADER_BYTES) {
        real.write(source, position);
        return;
      }
      if (holdNext) {
        holdNext = false;
        held.countDown();
        try {
          if (!released.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new IOException("test never released the held write");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException(e);
        }
      }
      long end = position + source.remaining();
      unforcedSince.compareAndSet(0, System.nanoTime());
      real.write(source, position);
      recordWrites.incrementAndGet();
      writtenEnd.accumulateAndGet(end, Math::max);
    }

    @Override
    void force(WritableFile real) throws IOException {
      forces.incrementAndGet();
      real.force();
      long since = unforcedSince.getAndSet(0);
      if (since != 0) {
        writeToForce.add(System.nanoTime() - since);
      }
    }
  }
}
