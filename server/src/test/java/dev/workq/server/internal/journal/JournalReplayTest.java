package dev.workq.server.internal.journal;

import dev.workq.server.FsyncPolicy;

import static dev.workq.server.internal.journal.JournalTestSupport.appendAllOk;
import static dev.workq.server.internal.journal.JournalTestSupport.assertSameRecords;
import static dev.workq.server.internal.journal.JournalTestSupport.files;
import static dev.workq.server.internal.journal.JournalTestSupport.options;
import static dev.workq.server.internal.journal.JournalTestSupport.records;
import static dev.workq.server.internal.journal.JournalTestSupport.replay;
import static dev.workq.server.internal.journal.JournalTestSupport.totalSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Appending, segment rolling and replay in order across reopen. */
class JournalReplayTest {

  @TempDir
  Path dir;

  @Test
  void appendsThenReopenReplaysEveryRecordInOrderAcrossSeveralSegments() throws Exception {
    List<byte[]> records = records(1, 5000);
    JournalOptions opts = options(dir).segmentBytes(32 * 1024).build();
    try (Journal journal = Journal.open(opts, r -> { throw new AssertionError("empty dir replayed a record"); })) {
      appendAllOk(journal, records.subList(0, 2500));
      appendAllOk(journal, records.subList(2500, 5000));
      assertEquals(5000, journal.stats().appends());
    }
    assertTrue(files(dir, ".wqj").size() >= 10, "expected many segments, got " + files(dir, ".wqj"));
    for (Path segment : files(dir, ".wqj")) {
      assertTrue(java.nio.file.Files.size(segment) <= 32 * 1024, segment + " exceeds segmentBytes");
    }
    assertSameRecords(records, replay(opts));
  }

  @Test
  void reopenContinuesTheLastSegmentAndKeepsOrder() throws Exception {
    List<byte[]> records = records(2, 300);
    JournalOptions opts = options(dir).segmentBytes(8 * 1024).build();
    for (int round = 0; round < 3; round++) {
      List<byte[]> seen = new ArrayList<>();
      try (Journal journal = Journal.open(opts, seen::add)) {
        assertSameRecords(records.subList(0, round * 100), seen);
        appendAllOk(journal, records.subList(round * 100, round * 100 + 100));
        assertEquals(totalSize(dir), journal.sizeBytes());
      }
    }
    assertSameRecords(records, replay(opts));
  }

  @Test
  void emptyAndLargeRecordsRoundTrip() throws Exception {
    List<byte[]> records = List.of(new byte[0], new byte[3 * 1024 * 1024], new byte[] {7}, new byte[0]);
    records.get(1)[12345] = 42;
    JournalOptions opts = options(dir).segmentBytes(64 * 1024).build();
    try (Journal journal = Journal.open(opts, r -> { })) {
      appendAllOk(journal, records);
    }
    assertSameRecords(records, replay(opts));
  }

  @Test
  void oversizedRecordIsRejectedAtOnce() throws Exception {
    try (Journal journal = Journal.open(options(dir).build(), r -> { })) {
      assertThrows(IllegalArgumentException.class,
          () -> journal.append(new byte[JournalFormat.MAX_RECORD_BYTES + 1], e -> { }));
    }
  }

  @Test
  void optionsRejectInvalidValuesNamingTheArgument() {
    JournalOptions.Builder b = JournalOptions.builder();
    assertTrue(assertThrows(IllegalArgumentException.class, () -> b.segmentBytes(10))
        .getMessage().contains("segmentBytes"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> b.batchIntervalMillis(0))
        .getMessage().contains("batchIntervalMillis"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> b.maxBatchRecords(0))
        .getMessage().contains("maxBatchRecords"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> b.dataDir(null))
        .getMessage().contains("dataDir"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> b.fsync(null))
        .getMessage().contains("fsync"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> b.storage(null))
        .getMessage().contains("storage"));
    JournalOptions defaults = b.build();
    assertEquals(FsyncPolicy.ALWAYS, defaults.fsync());
    assertEquals(64L * 1024 * 1024, defaults.segmentBytes());
    assertEquals(10, defaults.batchIntervalMillis());
  }
}
