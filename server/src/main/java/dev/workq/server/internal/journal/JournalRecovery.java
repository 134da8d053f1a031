package dev.workq.server.internal.journal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a data directory back to a consistent state at open and replays it: deletes unfinished
 * snapshots, picks the newest complete snapshot, checks that the segments after it are all
 * there, replays snapshot then segments, cuts a torn write off the last segment, and finally
 * deletes the files the chosen snapshot made obsolete.
 */
final class JournalRecovery {

  private static final Logger LOG = LoggerFactory.getLogger(JournalRecovery.class);

  /**
   * What the writer needs to continue where the directory left off.
   *
   * @param snapshotSeq        number of the snapshot replayed, 0 if none
   * @param lastSegmentSeq     number of the last live segment, 0 if none
   * @param lastSegmentEnd     valid length of that segment; below the header size means "rewrite the header"
   * @param closedSegmentBytes bytes of the snapshot and all live segments but the last
   * @param bytesSinceSnapshot bytes of live segments
   * @param records            records replayed
   * @param truncatedTailBytes bytes cut off the last segment as a torn write
   */
  record Result(long snapshotSeq, long lastSegmentSeq, long lastSegmentEnd, long closedSegmentBytes,
         long bytesSinceSnapshot, long records, long truncatedTailBytes) {
  }

  private final Storage storage;
  private final Path dir;
  private final RecordConsumer replay;
  private final List<Path> obsolete = new ArrayList<>();

  private JournalRecovery(Storage storage, Path dir, RecordConsumer replay) {
    this.storage = storage;
    this.dir = dir;
    this.replay = replay;
  }

  static Result recover(Storage storage, Path dir, RecordConsumer replay) throws IOException {
    return new JournalRecovery(storage, dir, replay).run();
  }

  private Result run() throws IOException {
    storage.createDirectories(dir);
    List<Path> files = storage.list(dir);
    refuseIfInUse(files);
    NavigableMap<Long, Path> segments = new TreeMap<>();
    NavigableMap<Long, Path> snapshots = new TreeMap<>();
    for (Path file : files) {
      String name = file.getFileName().toString();
      if (name.endsWith(JournalFormat.TEMP_SUFFIX)) {
        // A .tmp file is a snapshot whose writer crashed before the rename; never valid.
        LOG.info("Deleting unfinished file {}", file);
        storage.delete(file);
      } else if (JournalFormat.segmentSeq(file) > 0) {
        segments.put(JournalFormat.segmentSeq(file), file);
      } else if (JournalFormat.snapshotSeq(file) > 0) {
        snapshots.put(JournalFormat.snapshotSeq(file), file);
      }
    }

    long snapshotSeq = chooseSnapshot(snapshots);
    NavigableMap<Long, Path> live = segments.tailMap(snapshotSeq, false);
    checkContiguous(snapshotSeq, live);
    obsolete.addAll(segments.headMap(snapshotSeq, true).values());

    long records = 0;
    long closedBytes = 0;
    if (snapshotSeq > 0) {
      Path file = snapshots.get(snapshotSeq);
      records += replaySnapshot(file, snapshotSeq);
      closedBytes += storage.size(file);
    }
    long sinceSnapshot = 0;
    long lastEnd = 0;
    long truncated = 0;
    for (Map.Entry<Long, Path> e : live.entrySet()) {
      boolean last = e.getKey().equals(live.lastKey());
      SegmentOutcome outcome = replaySegment(e.getValue(), e.getKey(), last);
      records += outcome.records;
      sinceSnapshot += outcome.end;
      truncated += outcome.truncated;
      if (last) {
        lastEnd = outcome.end;
      } else {
        closedBytes += outcome.end;
      }
    }
    deleteObsolete();
    long lastSeq = live.isEmpty() ? 0 : live.lastKey();
    return new Result(snapshotSeq, lastSeq, lastEnd, closedBytes, sinceSnapshot, records, truncated);
  }

  /**
   * Fails, before anything is replayed, cut or deleted, if a running writer holds a segment
   * locked: the broker appending to it holds that lock from the moment it opens or rolls to a
   * segment, so this catches a second broker even when the directory's LOCK file was deleted.
   */
  private void refuseIfInUse(List<Path> files) throws IOException {
    for (Path file : files) {
      if (JournalFormat.segmentSeq(file) > 0 && storage.isLockedForWriting(file)) {
        throw new JournalInUseException(file);
      }
    }
  }

  /** @return the newest complete snapshot's number, 0 if none; others go on the obsolete list */
  private long chooseSnapshot(NavigableMap<Long, Path> snapshots) throws IOException {
    long chosen = 0;
    for (Map.Entry<Long, Path> e : snapshots.descendingMap().entrySet()) {
      Path file = e.getValue();
      if (chosen == 0 && isComplete(file, e.getKey())) {
        chosen = e.getKey();
      } else {
        obsolete.add(file);
      }
    }
    return chosen;
  }

  private boolean isComplete(Path file, long seq) throws IOException {
    String name = file.getFileName().toString();
    long size = storage.size(file);
    byte[] header;
    try (InputStream in = storage.openRead(file)) {
      header = in.readNBytes(JournalFormat.SNAPSHOT_HEADER_BYTES);
    }
    if (header.length == JournalFormat.SNAPSHOT_HEADER_BYTES) {
      long body = JournalFormat.checkSnapshotHeader(header, name, seq)[1];
      if (size == JournalFormat.SNAPSHOT_HEADER_BYTES + body) {
        return true;
      }
    }
    // Snapshots are renamed into place only after an fsync, so a short one is a crash
    // artefact from a file system that reordered the rename; the segments it would have
    // replaced were not deleted yet, so falling back to them is safe (checked next).
    LOG.warn("Ignoring incomplete snapshot {} ({} bytes)", file, size);
    return false;
  }

  private static void checkContiguous(long snapshotSeq, NavigableMap<Long, Path> live)
      throws JournalCorruptedException {
    long expected = snapshotSeq + 1;
    for (long seq : live.keySet()) {
      if (seq != expected) {
        throw new JournalCorruptedException(JournalFormat.segmentName(expected) + ": missing segment"
            + (snapshotSeq > 0 ? " after " + JournalFormat.snapshotName(snapshotSeq) : "")
            + ", found " + JournalFormat.segmentName(seq) + " instead");
      }
      expected++;
    }
  }

  private long replaySnapshot(Path file, long seq) throws IOException {
    return SnapshotFiles.replay(storage, file, seq, replay);
  }

  private record SegmentOutcome(long end, long records, long truncated) {
  }

  private SegmentOutcome replaySegment(Path file, long seq, boolean last) throws IOException {
    String name = file.getFileName().toString();
    long size = storage.size(file);
    RecordFileReader.Scan scan;
    try (InputStream in = new BufferedInputStream(storage.openRead(file), 1 << 16)) {
      byte[] header = in.readNBytes(JournalFormat.SEGMENT_HEADER_BYTES);
      if (last && (header.length < JournalFormat.SEGMENT_HEADER_BYTES || allZero(header))) {
        // The crash hit while the segment was being created: it holds no record yet.
        scan = new RecordFileReader.Scan(0, 0, "incomplete segment header");
      } else if (header.length < JournalFormat.SEGMENT_HEADER_BYTES) {
        throw new JournalCorruptedException(name + ": file of " + size + " bytes is shorter than its header");
      } else {
        JournalFormat.checkSegmentHeader(header, name, seq);
        scan = RecordFileReader.readRecords(in, JournalFormat.SEGMENT_HEADER_BYTES, size, replay);
      }
    }
    if (scan.clean()) {
      return new SegmentOutcome(scan.end(), scan.records(), 0);
    }
    if (!last) {
      throw corrupt(name, scan.end(), scan.badReason());
    }
    if (scan.end() > 0) {
      long next = nextValidRecord(file, scan.end());
      if (next >= 0) {
        throw corrupt(name, scan.end(), scan.badReason() + "; a valid record follows at offset " + next);
      }
    }
    // Reading stopped before the bad bytes reached the consumer, so cutting them loses nothing confirmed.
    LOG.warn("Torn write in {} at offset {} ({}): dropping {} bytes", file, scan.end(), scan.badReason(),
        size - scan.end());
    storage.truncate(file, scan.end());
    return new SegmentOutcome(scan.end(), scan.records(), size - scan.end());
  }

  private long nextValidRecord(Path file, long from) throws IOException {
    byte[] tail;
    try (InputStream in = storage.openRead(file)) {
      in.skipNBytes(from);
      tail = in.readAllBytes();
    }
    return RecordFileReader.nextValidRecord(tail, from);
  }

  private void deleteObsolete() throws IOException {
    for (Path file : obsolete) {
      LOG.info("Deleting obsolete file {}", file);
      storage.delete(file);
    }
    if (!obsolete.isEmpty()) {
      storage.forceDirectory(dir);
    }
  }

  private static boolean allZero(byte[] bytes) {
    for (byte b : bytes) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static JournalCorruptedException corrupt(String name, long offset, String reason) {
    return new JournalCorruptedException(name + ": corrupt record at offset " + offset + ": " + reason);
  }
}
