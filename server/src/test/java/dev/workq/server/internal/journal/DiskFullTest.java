package dev.workq.server.internal.journal;

import dev.workq.server.FsyncPolicy;

import static dev.workq.server.internal.journal.JournalTestSupport.appendAll;
import static dev.workq.server.internal.journal.JournalTestSupport.appendAllOk;
import static dev.workq.server.internal.journal.JournalTestSupport.assertSameRecords;
import static dev.workq.server.internal.journal.JournalTestSupport.options;
import static dev.workq.server.internal.journal.JournalTestSupport.records;
import static dev.workq.server.internal.journal.JournalTestSupport.replay;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "No space left on device" on write or force: the failed batch's callbacks get the error, the
 * file is cut back so it stays valid, appends succeed once space returns, and a reopen replays
 * exactly the records whose callbacks succeeded.
 */
class DiskFullTest {

  @TempDir
  Path dir;

  private static void assertAllFailedWithDiskFull(List<Throwable> errors) {
    for (Throwable t : errors) {
      assertNotNull(t, "a record of the failed batch was confirmed");
      assertTrue(t.getMessage().contains("No space left on device"), t.toString());
    }
  }

  private void runScenario(FsyncPolicy policy, long segmentBytes) throws Exception {
    FaultInjectingStorage storage = new FaultInjectingStorage();
    JournalOptions opts = options(dir).storage(storage).fsync(policy).segmentBytes(segmentBytes).build();
    List<byte[]> expected = new ArrayList<>();
    List<byte[]> batch = records(30, 700);
    try (Journal journal = Journal.open(opts, r -> { })) {
      appendAllOk(journal, batch.subList(0, 100));
      expected.addAll(batch.subList(0, 100));

      storage.failWrites = true;
      assertAllFailedWithDiskFull(appendAll(journal, batch.subList(100, 200)));
      assertTrue(storage.failedWrites.get() > 0);
      storage.failWrites = false;

      appendAllOk(journal, batch.subList(200, 300));
      expected.addAll(batch.subList(200, 300));

      if (policy == FsyncPolicy.ALWAYS) {
        storage.failForces = true;
        assertAllFailedWithDiskFull(appendAll(journal, batch.subList(300, 400)));
        storage.failForces = false;
      }
      appendAllOk(journal, batch.subList(400, 700));
      expected.addAll(batch.subList(400, 700));
      assertTrue(journal.stats().appendFailures() >= 100);
      assertEquals(expected.size(), journal.stats().appends());
    }
    assertSameRecords(expected, replay(dir));
  }

  @Test
  void diskFullOnWriteAndForceRejectsTheBatchAndLeavesAValidJournal() throws Exception {
    runScenario(FsyncPolicy.ALWAYS, JournalOptions.DEFAULT_SEGMENT_BYTES);
  }

  @Test
  void diskFullAcrossSegmentRollsLeavesAValidJournal() throws Exception {
    runScenario(FsyncPolicy.ALWAYS, 4 * 1024);
  }

  @Test
  void diskFullOnWriteUnderBatchLeavesAValidJournal() throws Exception {
    runScenario(FsyncPolicy.BATCH, 8 * 1024);
  }

  @Test
  void stateAfterAFailedBatchSurvivesACrashWithoutClose() throws Exception {
    FaultInjectingStorage storage = new FaultInjectingStorage();
    JournalOptions opts = options(dir).storage(storage).build();
    List<byte[]> batch = records(31, 300);
    Path crashed = dir.resolveSibling(dir.getFileName() + "-crashed");
    try (Journal journal = Journal.open(opts, r -> { })) {
      appendAllOk(journal, batch.subList(0, 100));
      storage.failForces = true;
      assertAllFailedWithDiskFull(appendAll(journal, batch.subList(100, 200)));
      storage.failForces = false;
      appendAllOk(journal, batch.subList(200, 300));
      JournalTestSupport.copyDir(dir, crashed);
    }
    List<byte[]> expected = new ArrayList<>(batch.subList(0, 100));
    expected.addAll(batch.subList(200, 300));
    assertSameRecords(expected, replay(crashed));
  }
}
