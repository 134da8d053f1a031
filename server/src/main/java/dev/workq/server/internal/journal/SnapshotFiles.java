package dev.workq.server.internal.journal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * One snapshot file in the journal's snapshot format (a header with the record count and body
 * length, then CRC-framed records; see {@link JournalFormat}), written and read on its own: the
 * journal's compactions use it, and so do a cluster node's Raft snapshots, which hold the same
 * records.
 */
public final class SnapshotFiles {

  private SnapshotFiles() {}

  /**
   * Writes {@code records} to {@code file} crash-safely: under a {@code .tmp} name, forced, then
   * renamed into place and the directory forced. A file already there is replaced.
   *
   * @param seq the number the header carries, checked again by {@link #replay}
   * @return the number of records written
   */
  public static long write(Path file, long seq, SnapshotSource records) throws IOException {
    return write(new FileStorage(), file, seq, records, Storage.WritableFile::force)[0];
  }

  /** How a snapshot is forced before its rename: the journal's also times it. */
  @FunctionalInterface
  interface Force {
    void force(Storage.WritableFile file) throws IOException;
  }

  /**
   * As {@link #write(Path, long, SnapshotSource)}, through {@code storage}.
   *
   * @return the records written and the bytes of their framed records
   */
  static long[] write(Storage storage, Path file, long seq, SnapshotSource records, Force force) throws IOException {
    Path temp = file.resolveSibling(file.getFileName() + JournalFormat.TEMP_SUFFIX);
    long count;
    long body;
    try (Storage.WritableFile out = storage.openWritable(temp)) {
      out.truncate(0);
      SnapshotWriter.BodyWriter writer = new SnapshotWriter.BodyWriter(out, JournalFormat.SNAPSHOT_HEADER_BYTES);
      records.writeTo(writer);
      writer.flush();
      count = writer.count;
      body = writer.pos - JournalFormat.SNAPSHOT_HEADER_BYTES;
      out.write(JournalFormat.snapshotHeader(seq, count, body), 0);
      force.force(out);
    } catch (IOException | RuntimeException e) {
      try {
        storage.delete(temp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    storage.moveAtomically(temp, file);
    // Only a durable rename makes the snapshot replace what it covers; deletion must wait for it.
    storage.forceDirectory(file.getParent());
    return new long[] {count, body};
  }

  /** Replays every record of the snapshot {@code file}, numbered {@code seq}, to {@code consumer}. */
  public static long replay(Path file, long seq, RecordConsumer consumer) throws IOException {
    return replay(new FileStorage(), file, seq, consumer);
  }

  /**
   * As {@link #replay(Path, long, RecordConsumer)} through {@code storage}.
   *
   * @throws JournalCorruptedException if the header, a record's CRC or the record count is wrong
   */
  static long replay(Storage storage, Path file, long seq, RecordConsumer consumer) throws IOException {
    String name = file.getFileName().toString();
    long size = storage.size(file);
    try (InputStream in = new BufferedInputStream(storage.openRead(file), 1 << 16)) {
      long[] countAndBody = JournalFormat.checkSnapshotHeader(
          in.readNBytes(JournalFormat.SNAPSHOT_HEADER_BYTES), name, seq);
      RecordFileReader.Scan scan =
          RecordFileReader.readRecords(in, JournalFormat.SNAPSHOT_HEADER_BYTES, size, consumer);
      if (!scan.clean()) {
        throw new JournalCorruptedException(name + ": corrupt record at offset " + scan.end() + ": " + scan.badReason());
      }
      if (scan.records() != countAndBody[0]) {
        throw new JournalCorruptedException(name + ": header promises " + countAndBody[0]
            + " records but the file holds " + scan.records());
      }
      return scan.records();
    }
  }
}
