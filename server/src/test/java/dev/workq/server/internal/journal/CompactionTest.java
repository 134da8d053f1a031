package dev.workq.server.internal.journal;

import static dev.workq.server.internal.journal.JournalTestSupport.WAIT_SECONDS;
import static dev.workq.server.internal.journal.JournalTestSupport.appendAllOk;
import static dev.workq.server.internal.journal.JournalTestSupport.copyDir;
import static dev.workq.server.internal.journal.JournalTestSupport.files;
import static dev.workq.server.internal.journal.JournalTestSupport.options;
import static dev.workq.server.internal.journal.JournalTestSupport.totalSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compaction against a small key-value model: records are "key=value" puts or "key=" deletes,
 * and a snapshot is the live map as puts. Replaying must always rebuild the model.
 */
class CompactionTest {

  @TempDir
  Path dir;

  private final Map<String, String> model = new TreeMap<>();
  private final Random random = new Random(40);

  private static void apply(Map<String, String> state, byte[] record) {
    String s = new String(record, StandardCharsets.UTF_8);
    int eq = s.indexOf('=');
    if (eq == s.length() - 1) {
      state.remove(s.substring(0, eq));
    } else {
      state.put(s.substring(0, eq), s.substring(eq + 1));
    }
  }

  private List<byte[]> ops(int count, int keys) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String key = "k" + random.nextInt(keys);
      String value = random.nextInt(5) == 0 ? "" : "v" + random.nextInt(1_000_000) + "x".repeat(random.nextInt(40));
      byte[] record = (key + "=" + value).getBytes(StandardCharsets.UTF_8);
      apply(model, record);
      out.add(record);
    }
    return out;
  }

  private List<byte[]> snapshot() {
    List<byte[]> out = new ArrayList<>();
    model.forEach((k, v) -> out.add((k + "=" + v).getBytes(StandardCharsets.UTF_8)));
    return out;
  }

  private Map<String, String> replayState(Path d) throws IOException {
    Map<String, String> state = new TreeMap<>();
    try (Journal ignored = Journal.open(options(d).build(), r -> apply(state, r))) {
      return state;
    }
  }

  private static void await(CompletableFuture<Void> f) throws Exception {
    f.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @Test
  void compactDeletesOlderSegmentsAndReopenReplaysSnapshotPlusLaterRecords() throws Exception {
    JournalOptions opts = options(dir).segmentBytes(8 * 1024).build();
    try (Journal journal = Journal.open(opts, r -> { })) {
      appendAllOk(journal, ops(3000, 200));
      long before = journal.sizeBytes();
      assertTrue(files(dir, ".wqj").size() > 5);
      assertTrue(journal.bytesSinceSnapshot() > 0);
      CompletableFuture<Void> done = journal.compactAsync(snapshot());
      assertEquals(0, journal.bytesSinceSnapshot());
      appendAllOk(journal, ops(500, 200));
      await(done);
      List<Path> snapshots = files(dir, ".wqs");
      assertEquals(1, snapshots.size());
      long covered = JournalFormat.snapshotSeq(snapshots.get(0));
      for (Path segment : files(dir, ".wqj")) {
        assertTrue(JournalFormat.segmentSeq(segment) > covered, segment + " should have been deleted");
      }
      assertTrue(journal.sizeBytes() < before, "compaction did not shrink the journal");
      assertEquals(totalSize(dir), journal.sizeBytes());
      assertEquals(1, journal.stats().compactions());
    }
    assertEquals(model, replayState(dir));
  }

  @Test
  void sizeStaysBoundedWhenCompactingRepeatedlyUnderContinuousAppends() throws Exception {
    JournalOptions opts = options(dir).segmentBytes(16 * 1024).build();
    List<CompletableFuture<Void>> compactions = new ArrayList<>();
    long maxSize = 0;
    try (Journal journal = Journal.open(opts, r -> { })) {
      for (int round = 0; round < 200; round++) {
        for (byte[] record : ops(100, 100)) {
          journal.append(record, e -> { });
        }
        if (journal.bytesSinceSnapshot() > 32 * 1024) {
          compactions.add(journal.compactAsync(snapshot()));
        }
        maxSize = Math.max(maxSize, journal.sizeBytes());
      }
      for (CompletableFuture<Void> c : compactions) {
        await(c);
      }
      appendAllOk(journal, ops(10, 100));
      assertTrue(compactions.size() > 10, "only " + compactions.size() + " compactions");
      assertTrue(journal.sizeBytes() < 200 * 1024, "size " + journal.sizeBytes());
      assertEquals(totalSize(dir), journal.sizeBytes());
    }
    assertTrue(maxSize < 1024 * 1024, "journal grew to " + maxSize + " bytes");
    assertTrue(totalSize(dir) < 200 * 1024, "directory holds " + totalSize(dir) + " bytes");
    assertEquals(model, replayState(dir));
  }

  @Test
  void crashBeforeTheSnapshotRenameLeavesACorrectReplay() throws Exception {
    FaultInjectingStorage storage = new FaultInjectingStorage();
    JournalOptions opts = options(dir).storage(storage).segmentBytes(8 * 1024).build();
    Path crashed = dir.resolveSibling(dir.getFileName() + "-crashed");
    try (Journal journal = Journal.open(opts, r -> { })) {
      appendAllOk(journal, ops(1000, 100));
      storage.failMoves = true;
      CompletableFuture<Void> done = journal.compactAsync(snapshot());
      appendAllOk(journal, ops(200, 100));
      assertThrows(ExecutionException.class, () -> await(done));
      assertEquals(1, files(dir, ".tmp").size(), "the unfinished snapshot stays as a .tmp file");
      assertEquals(1, journal.stats().compactionFailures());
      copyDir(dir, crashed);
    }
    assertEquals(model, replayState(crashed));
    assertTrue(files(crashed, ".tmp").isEmpty(), ".tmp files are deleted at open");
  }

  @Test
  void crashAfterTheRenameBeforeDeletingSegmentsLeavesACorrectReplay() throws Exception {
    FaultInjectingStorage storage = new FaultInjectingStorage();
    JournalOptions opts = options(dir).storage(storage).segmentBytes(8 * 1024).build();
    Path crashed = dir.resolveSibling(dir.getFileName() + "-crashed");
    try (Journal journal = Journal.open(opts, r -> { })) {
      appendAllOk(journal, ops(1000, 100));
      storage.failDeletes = true;
      CompletableFuture<Void> done = journal.compactAsync(snapshot());
      appendAllOk(journal, ops(200, 100));
      await(done);
      copyDir(dir, crashed);
      storage.failDeletes = false;
    }
    long obsolete = files(crashed, ".wqj").size();
    assertEquals(model, replayState(crashed));
    assertTrue(files(crashed, ".wqj").size() < obsolete, "obsolete segments are deleted at open");
    assertEquals(model, replayState(crashed));
  }

  @Test
  void garbageTmpSnapshotIsIgnored() throws Exception {
    try (Journal journal = Journal.open(options(dir).build(), r -> { })) {
      appendAllOk(journal, ops(300, 50));
      await(journal.compactAsync(snapshot()));
      appendAllOk(journal, ops(300, 50));
    }
    Files.write(dir.resolve(JournalFormat.snapshotName(99) + ".tmp"), new byte[] {1, 2, 3});
    assertEquals(model, replayState(dir));
    assertTrue(files(dir, ".tmp").isEmpty());
  }

  @Test
  void incompleteSnapshotIsSkippedInFavourOfTheSegments() throws Exception {
    JournalOptions opts = options(dir).segmentBytes(8 * 1024).build();
    try (Journal journal = Journal.open(opts, r -> { })) {
      appendAllOk(journal, ops(1000, 100));
    }
    List<Path> segments = files(dir, ".wqj");
    long seq = JournalFormat.segmentSeq(segments.get(segments.size() - 2));
    List<byte[]> snap = snapshot();
    long body = 0;
    ByteBuffer content = ByteBuffer.allocate(1 << 20);
    for (byte[] r : snap) {
      body += JournalFormat.RECORD_HEADER_BYTES + r.length;
      content.putInt(r.length).putInt(JournalFormat.recordCrc(r.length, r, 0)).put(r);
    }
    content.flip();
    ByteBuffer header = JournalFormat.snapshotHeader(seq, snap.size(), body);
    byte[] file = new byte[header.remaining() + content.remaining() / 2];
    header.get(file, 0, JournalFormat.SNAPSHOT_HEADER_BYTES);
    content.get(file, JournalFormat.SNAPSHOT_HEADER_BYTES, file.length - JournalFormat.SNAPSHOT_HEADER_BYTES);
    Path incomplete = dir.resolve(JournalFormat.snapshotName(seq));
    Files.write(incomplete, file);

    assertEquals(model, replayState(dir));
    assertTrue(Files.notExists(incomplete), "the incomplete snapshot is removed");
    assertEquals(segments, files(dir, ".wqj"), "no segment may be deleted for an incomplete snapshot");
  }

  @Test
  void corruptRecordInACompleteSnapshotIsReported() throws Exception {
    try (Journal journal = Journal.open(options(dir).build(), r -> { })) {
      appendAllOk(journal, ops(300, 50));
      await(journal.compactAsync(snapshot()));
    }
    Path snapshot = files(dir, ".wqs").get(0);
    JournalTestSupport.flipByte(snapshot, JournalFormat.SNAPSHOT_HEADER_BYTES + 12);
    JournalCorruptedException e = assertThrows(JournalCorruptedException.class, () -> replayState(dir));
    assertTrue(e.getMessage().startsWith(snapshot.getFileName() + ": corrupt record at offset "
        + JournalFormat.SNAPSHOT_HEADER_BYTES + ": "), e.getMessage());
  }
}
