package dev.workq.server.internal.journal;

import static dev.workq.server.internal.journal.JournalTestSupport.appendAllOk;
import static dev.workq.server.internal.journal.JournalTestSupport.assertSameRecords;
import static dev.workq.server.internal.journal.JournalTestSupport.concat;
import static dev.workq.server.internal.journal.JournalTestSupport.files;
import static dev.workq.server.internal.journal.JournalTestSupport.offsetOf;
import static dev.workq.server.internal.journal.JournalTestSupport.options;
import static dev.workq.server.internal.journal.JournalTestSupport.records;
import static dev.workq.server.internal.journal.JournalTestSupport.replay;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A write torn by a crash at the end of the last segment is cut off, and the journal goes on. */
class TornTailTest {

  @TempDir
  Path dir;

  private Path writeOneSegment(List<byte[]> records) throws Exception {
    try (Journal journal = Journal.open(options(dir).build(), r -> { })) {
      appendAllOk(journal, records);
    }
    List<Path> segments = files(dir, ".wqj");
    assertEquals(1, segments.size());
    return segments.get(0);
  }

  /** Reopens, checks the replay and the truncation, appends more, and checks a second reopen. */
  private void assertRecoversTo(List<byte[]> expected, long droppedBytes) throws Exception {
    List<byte[]> seen = new ArrayList<>();
    List<byte[]> more = records(99, 50);
    try (Journal journal = Journal.open(options(dir).build(), seen::add)) {
      assertSameRecords(expected, seen);
      assertEquals(droppedBytes, journal.stats().truncatedTailBytes());
      appendAllOk(journal, more);
    }
    List<byte[]> all = new ArrayList<>(expected);
    all.addAll(more);
    assertSameRecords(all, replay(dir));
  }

  @Test
  void lastRecordCutMidPayloadIsDroppedAndAppendsContinue() throws Exception {
    List<byte[]> records = records(3, 200);
    Path segment = writeOneSegment(records);
    long size = Files.size(segment);
    long lastStart = offsetOf(records, 199);
    byte[] data = Files.readAllBytes(segment);
    Files.write(segment, java.util.Arrays.copyOf(data, (int) lastStart + 11));
    assertRecoversTo(records.subList(0, 199), 11);
    assertEquals(true, Files.size(segment) > size - 1000);
  }

  @Test
  void lastRecordCutInsideItsHeaderIsDropped() throws Exception {
    List<byte[]> records = records(4, 50);
    Path segment = writeOneSegment(records);
    byte[] data = Files.readAllBytes(segment);
    Files.write(segment, java.util.Arrays.copyOf(data, (int) offsetOf(records, 49) + 3));
    assertRecoversTo(records.subList(0, 49), 3);
  }

  @Test
  void zerosAfterTheLastGoodRecordAreDropped() throws Exception {
    List<byte[]> records = records(5, 100);
    Path segment = writeOneSegment(records);
    Files.write(segment, concat(Files.readAllBytes(segment), new byte[4096]));
    assertRecoversTo(records, 4096);
  }

  @Test
  void garbageAfterTheLastGoodRecordIsDropped() throws Exception {
    List<byte[]> records = records(6, 100);
    Path segment = writeOneSegment(records);
    byte[] garbage = new byte[3000];
    new Random(6).nextBytes(garbage);
    Files.write(segment, concat(Files.readAllBytes(segment), garbage));
    assertRecoversTo(records, 3000);
  }

  @Test
  void lastRecordWithBadCrcAndNothingValidAfterIsDropped() throws Exception {
    List<byte[]> records = records(7, 100);
    Path segment = writeOneSegment(records);
    long lastStart = offsetOf(records, 99);
    JournalTestSupport.flipByte(segment, lastStart + 9);
    assertRecoversTo(records.subList(0, 99), Files.size(segment) - lastStart);
  }

  @Test
  void segmentWithTornHeaderIsRewritten() throws Exception {
    List<byte[]> records = records(8, 100);
    writeOneSegment(records);
    Path next = dir.resolve(JournalFormat.segmentName(2));
    Files.write(next, new byte[] {'W', 'Q'});
    assertRecoversTo(records, 2);
  }
}
