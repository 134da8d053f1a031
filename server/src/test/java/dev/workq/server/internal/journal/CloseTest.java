package dev.workq.server.internal.journal;

import dev.workq.server.FsyncPolicy;

import static dev.workq.server.internal.journal.JournalTestSupport.WAIT_SECONDS;
import static dev.workq.server.internal.journal.JournalTestSupport.assertSameRecords;
import static dev.workq.server.internal.journal.JournalTestSupport.options;
import static dev.workq.server.internal.journal.JournalTestSupport.records;
import static dev.workq.server.internal.journal.JournalTestSupport.replay;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Close writes and fsyncs everything pending, stops the threads, and may be called again. */
class CloseTest {

  @TempDir
  Path dir;

  @Test
  void closeIsIdempotentAndFsyncsPendingRecords() throws Exception {
    FaultInjectingStorage storage = new FaultInjectingStorage();
    JournalOptions opts = options(dir).storage(storage).fsync(FsyncPolicy.NEVER).build();
    List<byte[]> records = records(50, 2000);
    AtomicInteger confirmed = new AtomicInteger();
    Journal journal = Journal.open(opts, r -> { });
    for (byte[] record : records) {
      journal.append(record, e -> {
        if (e == null) {
          confirmed.incrementAndGet();
        }
      });
    }
    journal.close();
    assertEquals(records.size(), confirmed.get(), "close must complete every queued append");
    assertTrue(storage.forces.get() > 0, "close must fsync");
    int forces = storage.forces.get();
    journal.close();
    assertEquals(forces, storage.forces.get());
    assertSameRecords(records, replay(dir));
  }

  @Test
  void appendAndCompactAfterCloseFailWithoutBlocking() throws Exception {
    Journal journal = Journal.open(options(dir).build(), r -> { });
    journal.close();
    AtomicReference<Throwable> error = new AtomicReference<>();
    journal.append(new byte[] {1}, error::set);
    assertInstanceOf(IllegalStateException.class, error.get());
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> journal.compactAsync(List.of()).get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertInstanceOf(IllegalStateException.class, e.getCause());
    assertTrue(replay(dir).isEmpty());
  }

  @Test
  void closeStopsTheJournalThreads() throws Exception {
    Journal journal = Journal.open(options(dir).build(), r -> { });
    JournalTestSupport.appendAllOk(journal, records(51, 10));
    journal.compactAsync(List.of()).get(WAIT_SECONDS, TimeUnit.SECONDS);
    journal.close();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      assertTrue(!t.getName().startsWith("workq-journal") || !t.isAlive(), t.getName() + " still alive");
    }
  }
}
