package dev.workq.server.internal.journal;

import static dev.workq.server.internal.journal.JournalTestSupport.appendAllOk;
import static dev.workq.server.internal.journal.JournalTestSupport.files;
import static dev.workq.server.internal.journal.JournalTestSupport.flipByte;
import static dev.workq.server.internal.journal.JournalTestSupport.offsetOf;
import static dev.workq.server.internal.journal.JournalTestSupport.options;
import static dev.workq.server.internal.journal.JournalTestSupport.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damage that a crash cannot explain stops open with a message naming the file and offset. */
class CorruptionTest {

  @TempDir
  Path dir;

  private JournalCorruptedException openFails() {
    return assertThrows(JournalCorruptedException.class, () -> Journal.open(options(dir).build(), r -> { }));
  }

  private void write(JournalOptions opts, List<byte[]> records) throws Exception {
    try (Journal journal = Journal.open(opts, r -> { })) {
      appendAllOk(journal, records);
    }
  }

  @Test
  void flippedByteInTheMiddleOfTheLastSegmentIsReportedWithFileAndOffset() throws Exception {
    List<byte[]> records = records(10, 500);
    write(options(dir).build(), records);
    Path segment = files(dir, ".wqj").get(0);
    long offset = offsetOf(records, 250);
    flipByte(segment, offset + 12);
    JournalCorruptedException e = openFails();
    assertTrue(e.getMessage().startsWith(JournalFormat.segmentName(1) + ": corrupt record at offset " + offset + ": "),
        e.getMessage());
    assertTrue(e.getMessage().contains("CRC mismatch"), e.getMessage());
    assertEquals(offsetOf(records, 500), Files.size(segment), "the damaged file must not be truncated");
  }

  @Test
  void flippedLengthInTheMiddleIsReportedNotSkipped() throws Exception {
    List<byte[]> records = records(11, 500);
    write(options(dir).build(), records);
    Path segment = files(dir, ".wqj").get(0);
    long offset = offsetOf(records, 100);
    flipByte(segment, offset);
    assertTrue(openFails().getMessage().contains("offset " + offset), "offset must be named");
  }

  @Test
  void flippedByteInANonLastSegmentIsReported() throws Exception {
    List<byte[]> records = records(12, 2000);
    write(options(dir).segmentBytes(16 * 1024).build(), records);
    List<Path> segments = files(dir, ".wqj");
    assertTrue(segments.size() > 3);
    Path victim = segments.get(1);
    long size = Files.size(victim);
    long pos = size / 2;
    flipByte(victim, pos);
    JournalCorruptedException e = openFails();
    assertTrue(e.getMessage().startsWith(victim.getFileName() + ": corrupt record at offset "), e.getMessage());
    long reported = Long.parseLong(e.getMessage().replaceAll(".*at offset (\\d+):.*", "$1"));
    assertTrue(reported <= pos && pos - reported < 8 + 300, "reported " + reported + " for damage at " + pos);
  }

  @Test
  void truncatedNonLastSegmentIsReported() throws Exception {
    write(options(dir).segmentBytes(16 * 1024).build(), records(13, 1000));
    Path victim = files(dir, ".wqj").get(0);
    byte[] data = Files.readAllBytes(victim);
    Files.write(victim, java.util.Arrays.copyOf(data, data.length - 5));
    assertTrue(openFails().getMessage().startsWith(victim.getFileName() + ": corrupt record at offset "));
  }

  @Test
  void unknownMagicIsRejectedNamingTheFile() throws Exception {
    write(options(dir).segmentBytes(16 * 1024).build(), records(14, 1000));
    Path victim = files(dir, ".wqj").get(0);
    flipByte(victim, 0);
    JournalCorruptedException e = openFails();
    assertTrue(e.getMessage().startsWith(victim.getFileName() + ": unknown file magic"), e.getMessage());
  }

  @Test
  void unknownVersionIsRejectedNamingTheFile() throws Exception {
    write(options(dir).build(), records(15, 10));
    Path victim = files(dir, ".wqj").get(0);
    flipByte(victim, 5);
    JournalCorruptedException e = openFails();
    assertTrue(e.getMessage().contains(victim.getFileName() + ": unsupported format version"), e.getMessage());
  }

  @Test
  void missingSegmentIsReported() throws Exception {
    write(options(dir).segmentBytes(16 * 1024).build(), records(16, 1000));
    Path victim = files(dir, ".wqj").get(1);
    Files.delete(victim);
    JournalCorruptedException e = openFails();
    assertTrue(e.getMessage().startsWith(victim.getFileName() + ": missing segment"), e.getMessage());
  }
}
