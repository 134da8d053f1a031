package dev.workq.server.internal.journal;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * The small file-system layer under the journal. {@link FileStorage} is the real one; tests wrap
 * it to inject failures such as "No space left on device" on write or force, and to count forces.
 * Every method may be called from the opening thread, the writer thread or the compaction thread,
 * but never concurrently on the same file.
 */
public interface Storage {

  /** A file open for writing at explicit positions, as the journal's writer uses it. */
  interface WritableFile extends Closeable {
    /** Writes all remaining bytes of {@code source} starting at {@code position}. */
    void write(ByteBuffer source, long position) throws IOException;

    /** Forces written data, and the metadata needed to read it back, to stable storage. */
    void force() throws IOException;

    /** @return the current file size in bytes */
    long size() throws IOException;

    /** Shrinks the file to {@code size} bytes; does nothing if it is already that small. */
    void truncate(long size) throws IOException;

    /**
     * Takes an exclusive OS lock on the whole file, held until {@link #close}, so that
     * {@link Storage#isLockedForWriting} reports it to any other process or journal. The journal
     * locks the segment it appends to: unlike the data directory's {@code LOCK} file, that file
     * cannot be deleted while the broker runs without losing the journal anyway.
     *
     * @return false if another process (or another writer in this JVM) holds a lock on the file
     */
    boolean tryLockExclusively() throws IOException;
  }

  /** Opens {@code file} for writing, creating it if absent and never truncating it. */
  WritableFile openWritable(Path file) throws IOException;

  /**
   * Whether a writer holds the exclusive lock of {@link WritableFile#tryLockExclusively} on
   * {@code file}: another process, or another journal in this JVM. Must not disturb that lock
   * (a POSIX lock is dropped when its process closes any descriptor of the file).
   */
  boolean isLockedForWriting(Path file) throws IOException;

  /** Opens {@code file} for sequential reading from its first byte. */
  InputStream openRead(Path file) throws IOException;

  /** Reads the whole of {@code file}; used only on small or bounded files. */
  default byte[] readAll(Path file) throws IOException {
    try (InputStream in = openRead(file)) {
      return in.readAllBytes();
    }
  }

  /** @return the size of {@code file} in bytes */
  long size(Path file) throws IOException;

  /** Shrinks {@code file} to {@code size} bytes and forces the change to stable storage. */
  void truncate(Path file, long size) throws IOException;

  /** Renames {@code source} to {@code target} atomically, replacing any existing target. */
  void moveAtomically(Path source, Path target) throws IOException;

  /** Deletes {@code file} if it exists. */
  void delete(Path file) throws IOException;

  /** @return the regular files directly inside {@code dir}, in no particular order */
  List<Path> list(Path dir) throws IOException;

  /** Creates {@code dir} and any missing parents. */
  void createDirectories(Path dir) throws IOException;

  /** Forces {@code dir}'s entries (creations, renames, deletions) to stable storage. */
  void forceDirectory(Path dir) throws IOException;
}
