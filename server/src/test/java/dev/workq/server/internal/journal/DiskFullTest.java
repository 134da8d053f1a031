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
 * exactly the records whose callbacks succeeded. Each outage is logged as one ERROR (no stack
 * trace), a WARN at most once a minute, and one INFO when writes work again.
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

  private final RecordingSink logged = new RecordingSink();

  /** The lines a person reads at the broker's default level, INFO. */
  private List<String> visibleLines() {
    return logged.lines().stream().filter(l -> !l.startsWith("DEBUG ")).toList();
  }

  private void assertOneErrorPerOutage(int outages) {
    List<String> errors = logged.lines("ERROR");
    assertEquals(outages, errors.size(), visibleLines().toString());
    String error = errors.get(outages - 1);
    assertTrue(error.startsWith("ERROR Journal write in " + dir + " failed: No space left on device; rejected "), error);
    assertEquals(outages, logged.debugCauses().size(), "one stack trace per outage, at DEBUG");
  }

  private void assertOneInfoPerOutage(int outages, int rejected) {
    List<String> infos = logged.lines("INFO");
    assertEquals(outages, infos.size(), visibleLines().toString());
    String info = infos.get(outages - 1);
    assertTrue(info.startsWith("INFO Journal writes in " + dir + " work again after ")
        && info.endsWith(" rejected " + rejected + " records"), info);
  }

  private void runScenario(FsyncPolicy policy, long segmentBytes) throws Exception {
    FaultInjectingStorage storage = new FaultInjectingStorage();
    JournalOptions opts = options(dir).storage(storage).fsync(policy).segmentBytes(segmentBytes)
        .failureReports(logged, logged.clock()).build();
    List<byte[]> expected = new ArrayList<>();
    List<byte[]> batch = records(30, 700);
    try (Journal journal = Journal.open(opts, r -> { })) {
      appendAllOk(journal, batch.subList(0, 100));
      expected.addAll(batch.subList(0, 100));

      storage.failWrites = true;
      assertAllFailedWithDiskFull(appendAll(journal, batch.subList(100, 200)));
      assertTrue(storage.failedWrites.get() > 0);
      assertOneErrorPerOutage(1);
      assertEquals(List.of(), logged.lines("INFO"));
      storage.failWrites = false;

      appendAllOk(journal, batch.subList(200, 300));
      expected.addAll(batch.subList(200, 300));
      assertOneInfoPerOutage(1, 100);

      int outages = 1;
      if (policy == FsyncPolicy.ALWAYS) {
        storage.failForces = true;
        assertAllFailedWithDiskFull(appendAll(journal, batch.subList(300, 400)));
        outages++;
        assertOneErrorPerOutage(outages);
        storage.failForces = false;
      }
      appendAllOk(journal, batch.subList(400, 700));
      expected.addAll(batch.subList(400, 700));
      assertOneInfoPerOutage(outages, 100);
      assertEquals(List.of(), logged.lines("WARN"), "a reminder although the fake clock never moved");
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
  void aLongOutageIsOneErrorAReminderOnceAMinuteAndOneInfoWhenSpaceReturns() throws Exception {
    FaultInjectingStorage storage = new FaultInjectingStorage();
    JournalOptions opts = options(dir).storage(storage).failureReports(logged, logged.clock()).build();
    List<byte[]> batch = records(32, 120);
    try (Journal journal = Journal.open(opts, r -> { })) {
      storage.failWrites = true;
      // Ten rounds of ten rejected records, 20 s apart on the fake clock: at 0 s, 20 s, .. 180 s.
      for (int round = 0; round < 10; round++) {
        assertAllFailedWithDiskFull(appendAll(journal, batch.subList(round * 10, round * 10 + 10)));
        logged.advanceSeconds(20);
      }
      storage.failWrites = false;
      appendAllOk(journal, batch.subList(100, 120));
    }
    assertSameRecords(batch.subList(100, 120), replay(dir));
    List<String> lines = visibleLines();
    assertEquals(5, lines.size(), lines.toString());
    assertTrue(lines.get(0).startsWith("ERROR Journal write in " + dir + " failed: No space left on device; rejected "),
        lines.get(0));
    // How the writer groups the appends of a round into batches depends on timing, so a reminder,
    // which the first failing batch past each minute triggers, counts from 1 to 10 of its round.
    java.util.regex.Pattern reminder = java.util.regex.Pattern.compile(
        "rejected (\\d+) records since the last report \\((\\d+) in all\\)$");
    long previous = 0;
    for (int i = 1; i <= 3; i++) {
      assertTrue(lines.get(i).startsWith("WARN Journal writes in " + dir + " still failing after " + i + " min 0 s: "
          + "No space left on device; "), lines.get(i));
      java.util.regex.Matcher m = reminder.matcher(lines.get(i));
      assertTrue(m.find(), lines.get(i));
      long total = Long.parseLong(m.group(2));
      assertTrue(total > 30L * i && total <= 30L * i + 10, lines.get(i));
      assertTrue(total > previous, lines.get(i));
      previous = total;
    }
    assertTrue(lines.get(4).startsWith("INFO Journal writes in " + dir + " work again after 3 min 20 s of failures: ")
        && lines.get(4).endsWith(" rejected 100 records"), lines.get(4));
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
