package dev.workq.server.internal.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The failure log's cadence on a fake clock: one ERROR, a WARN at most once a minute, one INFO at the end. */
class FailureLogTest {

  private static final Path DIR = Path.of("/var/lib/workq");
  private final RecordingSink sink = new RecordingSink();
  private final FailureLog log = new FailureLog(DIR, sink, sink.clock(), Duration.ofMinutes(1));
  private final IOException diskFull = new IOException("No space left on device");

  @Test
  void anOutageIsOneErrorThenRemindersAtMostOnceAMinuteThenOneInfo() {
    log.failed(FailureLog.Operation.WRITE, diskFull, 7);
    assertEquals(List.of("ERROR Journal write in " + DIR + " failed: No space left on device; rejected 7 records. Records are "
        + "rejected until a write succeeds; a reminder follows at most every 1 min 0 s",
        "DEBUG Stack trace of the first journal failure in " + DIR), sink.lines());
    assertSame(diskFull, sink.debugCauses().get(0), "the stack trace goes to DEBUG only");
    sink.clear();

    // 1,900 failed batches in 13 s: nothing more.
    for (int i = 0; i < 1900; i++) {
      log.failed(FailureLog.Operation.WRITE, diskFull, 2);
    }
    sink.advanceSeconds(13);
    log.failed(FailureLog.Operation.WRITE, diskFull, 2);
    assertEquals(List.of(), sink.lines());

    sink.advanceSeconds(47);
    log.failed(FailureLog.Operation.WRITE, diskFull, 3);
    assertEquals(List.of("WARN Journal writes in " + DIR + " still failing after 1 min 0 s: No space left on device; 1902 failed "
        + "attempts rejected 3805 records since the last report (3812 in all)"), sink.lines());
    sink.clear();

    sink.advanceSeconds(59);
    log.failed(FailureLog.Operation.WRITE, diskFull, 1);
    assertEquals(List.of(), sink.lines(), "a second reminder within the minute");
    sink.advanceSeconds(1);
    log.failed(FailureLog.Operation.WRITE, diskFull, 1);
    assertEquals(1, sink.lines("WARN").size());
    assertTrue(sink.lines().get(0).contains("2 failed attempts rejected 2 records since the last report (3814 in all)"),
        sink.lines().toString());
    sink.clear();

    sink.advanceSeconds(5);
    log.succeeded(FailureLog.Operation.WRITE);
    assertEquals(List.of("INFO Journal writes in " + DIR + " work again after 2 min 5 s of failures: 1905 failed attempts "
        + "rejected 3814 records"), sink.lines());
    assertFalse(log.failing());
    sink.clear();

    log.succeeded(FailureLog.Operation.WRITE);
    assertEquals(List.of(), sink.lines(), "success outside an outage is silent");
  }

  @Test
  void aNewOutageStartsWithItsOwnErrorAndCounts() {
    log.failed(FailureLog.Operation.WRITE, diskFull, 5);
    log.succeeded(FailureLog.Operation.WRITE);
    sink.clear();
    sink.advanceSeconds(3);
    log.failed(FailureLog.Operation.WRITE, new IOException("Input/output error"), 1);
    log.succeeded(FailureLog.Operation.WRITE);
    assertEquals(2, sink.lines().size() - sink.lines("DEBUG").size(), sink.lines().toString());
    assertTrue(sink.lines("ERROR").get(0).contains("Input/output error; rejected 1 record."), sink.lines().toString());
    assertTrue(sink.lines("INFO").get(0).endsWith("1 failed attempt rejected 1 record"), sink.lines().toString());
  }

  @Test
  void writesSucceedingWhileThePeriodicFsyncFailsDoNotEndTheOutage() {
    log.failed(FailureLog.Operation.FSYNC, new IOException("Input/output error"), 0);
    assertTrue(sink.lines("ERROR").get(0).startsWith("ERROR Periodic fsync of the journal in " + DIR
        + " failed: Input/output error; records confirmed since the last fsync may not survive a power failure"),
        sink.lines().toString());
    for (int i = 0; i < 100; i++) {
      log.succeeded(FailureLog.Operation.WRITE);
      log.failed(FailureLog.Operation.FSYNC, new IOException("Input/output error"), 0);
    }
    assertEquals(1, sink.lines("ERROR").size());
    assertEquals(List.of(), sink.lines("INFO"), "no INFO/ERROR flapping every interval");
    sink.advanceSeconds(2);
    log.succeeded(FailureLog.Operation.FSYNC);
    assertEquals(List.of("INFO Journal writes in " + DIR + " work again after 2.0 s of failures: 101 failed attempts "
        + "rejected 0 records"), sink.lines("INFO"));
  }

  @Test
  void durationsReadAsAPersonWouldWriteThem() {
    assertEquals("850 ms", FailureLog.format(850_000_000L));
    assertEquals("13.2 s", FailureLog.format(13_240_000_000L));
    assertEquals("4 min 5 s", FailureLog.format(245_000_000_000L));
    assertEquals("2 h 3 min", FailureLog.format((2 * 3600 + 3 * 60) * 1_000_000_000L));
  }
}
