package dev.workq.server.internal.journal;

import dev.workq.server.FsyncPolicy;

import static dev.workq.server.internal.journal.JournalTestSupport.WAIT_SECONDS;
import static dev.workq.server.internal.journal.JournalTestSupport.appendAllOk;
import static dev.workq.server.internal.journal.JournalTestSupport.assertSameRecords;
import static dev.workq.server.internal.journal.JournalTestSupport.options;
import static dev.workq.server.internal.journal.JournalTestSupport.records;
import static dev.workq.server.internal.journal.JournalTestSupport.replay;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group commit under ALWAYS, periodic fsync under BATCH, no fsync under NEVER. */
class FsyncPolicyTest {

  @TempDir
  Path dir;

  @Test
  void groupCommitCompletesTenThousandAppendsWithFarFewerForcesAndEachCallbackOnce() throws Exception {
    FaultInjectingStorage storage = new FaultInjectingStorage();
    JournalOptions opts = options(dir).storage(storage).fsync(FsyncPolicy.ALWAYS).build();
    List<byte[]> records = records(20, 10_000);
    AtomicIntegerArray calls = new AtomicIntegerArray(records.size());
    AtomicReference<Throwable> error = new AtomicReference<>();
    CountDownLatch latch = new CountDownLatch(records.size());
    try (Journal journal = Journal.open(opts, r -> { })) {
      int forcesAtOpen = storage.forces.get();
      for (int i = 0; i < records.size(); i++) {
        int index = i;
        journal.append(records.get(i), e -> {
          if (e != null) {
            error.set(e);
          }
          calls.incrementAndGet(index);
          latch.countDown();
        });
      }
      assertTrue(latch.await(WAIT_SECONDS, TimeUnit.SECONDS), "callbacks did not all fire");
      int forces = storage.forces.get() - forcesAtOpen;
      assertTrue(forces >= 1 && forces < records.size() / 10, "forces: " + forces);
      assertEquals(forces, journal.stats().fsyncs() - forcesAtOpen);
      assertTrue(journal.stats().avgFsyncNanos() > 0);
      assertEquals(records.size(), journal.stats().appends());
    }
    assertNull(error.get());
    for (int i = 0; i < records.size(); i++) {
      assertEquals(1, calls.get(i), "callback count of record " + i);
    }
    assertSameRecords(records, replay(dir));
  }

  @Test
  void alwaysForcesBeforeTheCallback() throws Exception {
    FaultInjectingStorage storage = new FaultInjectingStorage();
    try (Journal journal = Journal.open(options(dir).storage(storage).build(), r -> { })) {
      int before = storage.forces.get();
      for (int i = 0; i < 5; i++) {
        int forcesBefore = storage.forces.get();
        appendAllOk(journal, records(21 + i, 1));
        assertTrue(storage.forces.get() > forcesBefore, "no force before the callback");
      }
      assertEquals(before + 5, storage.forces.get());
    }
  }

  @Test
  void batchForcesPeriodically() throws Exception {
    FaultInjectingStorage storage = new FaultInjectingStorage();
    JournalOptions opts = options(dir).storage(storage).fsync(FsyncPolicy.BATCH).batchIntervalMillis(20).build();
    List<byte[]> records = records(22, 300);
    try (Journal journal = Journal.open(opts, r -> { })) {
      int atOpen = storage.forces.get();
      long start = System.nanoTime();
      for (byte[] record : records) {
        appendAllOk(journal, List.of(record));
        Thread.sleep(1);
      }
      long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      while (storage.forces.get() - atOpen < 3 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      int forces = storage.forces.get() - atOpen;
      assertTrue(forces >= 3, "BATCH forced only " + forces + " times in " + elapsedMillis + " ms");
      assertTrue(forces <= elapsedMillis / 20 + 3, "BATCH forced " + forces + " times in " + elapsedMillis + " ms");
      assertTrue(forces < records.size() / 3, "BATCH forced per record: " + forces);
      Thread.sleep(150);
      int settled = storage.forces.get();
      Thread.sleep(100);
      assertEquals(settled, storage.forces.get(), "idle journal with nothing unforced must not force");
    }
    assertSameRecords(records, replay(dir));
  }

  @Test
  void neverDoesNotForceDuringAppends() throws Exception {
    FaultInjectingStorage storage = new FaultInjectingStorage();
    JournalOptions opts = options(dir).storage(storage).fsync(FsyncPolicy.NEVER).segmentBytes(64 * 1024).build();
    List<byte[]> records = records(23, 3000);
    try (Journal journal = Journal.open(opts, r -> { })) {
      appendAllOk(journal, records.subList(0, 1500));
      Thread.sleep(50);
      appendAllOk(journal, records.subList(1500, 3000));
      assertEquals(0, storage.forces.get(), "NEVER forced during appends");
    }
    assertTrue(storage.forces.get() > 0, "close must force what NEVER left unforced");
    assertSameRecords(records, replay(dir));
  }
}
