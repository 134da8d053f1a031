package dev.workq.server.internal.journal;

import static dev.workq.server.internal.journal.JournalTestSupport.appendAllOk;
import static dev.workq.server.internal.journal.JournalTestSupport.assertSameRecords;
import static dev.workq.server.internal.journal.JournalTestSupport.files;
import static dev.workq.server.internal.journal.JournalTestSupport.options;
import static dev.workq.server.internal.journal.JournalTestSupport.records;
import static dev.workq.server.internal.journal.JournalTestSupport.replay;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.server.FsyncPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal holds an exclusive lock on the segment it appends to, so a second journal on the
 * same directory is refused before it replays, cuts or deletes anything, whatever became of the
 * directory's LOCK file.
 */
class SegmentLockTest {

  @TempDir
  Path dir;

  private final FileStorage storage = new FileStorage();

  private Path lastSegment() throws Exception {
    List<Path> segments = files(dir, JournalFormat.SEGMENT_SUFFIX);
    return segments.get(segments.size() - 1);
  }

  @Test
  void aSecondJournalOnTheDirectoryIsRefusedNamingTheLockedSegment() throws Exception {
    List<byte[]> batch = records(40, 20);
    try (Journal journal = Journal.open(options(dir).build(), r -> { })) {
      appendAllOk(journal, batch.subList(0, 10));
      Path segment = lastSegment();
      long before = Files.size(segment);
      JournalInUseException e = assertThrows(JournalInUseException.class, () -> Journal.open(options(dir).build(), r -> { }));
      assertEquals(segment, e.file());
      assertTrue(e.getMessage().contains(segment.getFileName().toString()) && e.getMessage().contains(dir.toString()),
          e.getMessage());
      assertEquals(before, Files.size(segment), "the refused journal touched the segment");
      // The first journal is unaffected and still holds its lock.
      appendAllOk(journal, batch.subList(10, 20));
      assertTrue(storage.isLockedForWriting(segment));
    }
    assertFalse(storage.isLockedForWriting(lastSegment()), "close releases the segment lock");
    assertSameRecords(batch, replay(dir));
  }

  @Test
  void theLockMovesToEachNewSegmentAsTheJournalRolls() throws Exception {
    JournalOptions opts = options(dir).segmentBytes(4 * 1024).build();
    try (Journal journal = Journal.open(opts, r -> { })) {
      appendAllOk(journal, records(41, 200));
      List<Path> segments = files(dir, JournalFormat.SEGMENT_SUFFIX);
      assertTrue(segments.size() > 3, "expected rolls, got " + segments);
      Path current = segments.get(segments.size() - 1);
      assertTrue(storage.isLockedForWriting(current));
      for (Path rolled : segments.subList(0, segments.size() - 1)) {
        assertFalse(storage.isLockedForWriting(rolled), rolled + " is still locked after the roll");
      }
      assertThrows(JournalInUseException.class, () -> Journal.open(opts, r -> { }));
    }
  }

  @Test
  void afterCompactionTheNewSegmentIsLockedAndOpenIsStillRefused() throws Exception {
    JournalOptions opts = options(dir).fsync(FsyncPolicy.BATCH).build();
    List<byte[]> batch = records(42, 50);
    List<byte[]> expected = new ArrayList<>(batch.subList(40, 50));
    try (Journal journal = Journal.open(opts, r -> { })) {
      appendAllOk(journal, batch.subList(0, 40));
      journal.compactAsync(List.of()).get(20, TimeUnit.SECONDS);
      appendAllOk(journal, expected);
      assertTrue(storage.isLockedForWriting(lastSegment()));
      assertThrows(JournalInUseException.class, () -> Journal.open(opts, r -> { }));
    }
    assertSameRecords(expected, replay(dir));
  }
}
