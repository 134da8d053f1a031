package dev.workq.server.internal.journal;

import dev.workq.server.FsyncPolicy;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segment file the writer thread appends to: frames records into one reused buffer, writes
 * them with few large writes, forces, rolls to the next segment, and rolls a failed write back
 * to the last good position so the file never keeps a partial or unconfirmed batch. Owned by the
 * writer thread; only {@link #currentBytes()} is read by other threads.
 */
final class SegmentLog implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(SegmentLog.class);
  /** Large enough that a round of small records is one write call, small enough to keep per journal. */
  private static final int BUFFER_BYTES = 1 << 20;
  /**
   * Under {@link FsyncPolicy#NEVER} rolled segments stay open so close can force them; past this
   * many the oldest is forced early, so open file handles stay bounded.
   */
  private static final int MAX_UNFORCED_ROLLED = 8;

  private final Storage storage;
  private final Path dir;
  private final FsyncPolicy policy;
  private final JournalMetrics metrics;
  private final AtomicLong closedBytes;
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
  private final ArrayDeque<Storage.WritableFile> unforcedRolled = new ArrayDeque<>();

  private Storage.WritableFile file;
  private long seq;
  /** End of the last committed record: what the file must be cut back to after a failure. */
  private long goodPos;
  /** End of the bytes handed to the OS; the buffer holds what follows. */
  private long writePos;
  private boolean needsRepair;
  private boolean unforced;
  private long unforcedSinceNanos;
  private volatile long currentBytes;

  SegmentLog(Storage storage, Path dir, FsyncPolicy policy, JournalMetrics metrics, AtomicLong closedBytes) {
    this.storage = storage;
    this.dir = dir;
    this.policy = policy;
    this.metrics = metrics;
    this.closedBytes = closedBytes;
  }

  /** Continues segment {@code seq} at {@code validEnd}, or creates it if {@code validEnd} is 0 and it is new. */
  void open(long seq, long validEnd, boolean exists) throws IOException {
    if (!exists) {
      file = create(seq);
      goodPos = JournalFormat.SEGMENT_HEADER_BYTES;
    } else {
      file = storage.openWritable(segmentPath(seq));
      lockOrClose(file, segmentPath(seq));
      goodPos = validEnd;
      if (validEnd < JournalFormat.SEGMENT_HEADER_BYTES) {
        // Recovery emptied a segment whose header was torn; give it a header again.
        try {
          file.truncate(0);
          file.write(JournalFormat.segmentHeader(seq), 0);
        } catch (IOException | RuntimeException e) {
          closeQuietly(file);
          throw e;
        }
        goodPos = JournalFormat.SEGMENT_HEADER_BYTES;
        markWritten();
      }
    }
    this.seq = seq;
    writePos = goodPos;
    currentBytes = goodPos;
  }

  long seq() {
    return seq;
  }

  /** @return bytes of the current segment handed to the OS */
  long currentBytes() {
    return currentBytes;
  }

  /** @return the segment's length once everything buffered is written */
  long end() {
    return writePos + buffer.position();
  }

  boolean holdsRecords() {
    return end() > JournalFormat.SEGMENT_HEADER_BYTES;
  }

  boolean unforced() {
    return unforced;
  }

  long unforcedSinceNanos() {
    return unforcedSinceNanos;
  }

  /** Frames {@code record} into the buffer, writing the buffer out when it fills. */
  void add(byte[] record) throws IOException {
    int framed = JournalFormat.RECORD_HEADER_BYTES + record.length;
    int crc = JournalFormat.recordCrc(record.length, record, 0);
    if (framed > buffer.remaining()) {
      flush();
    }
    if (framed <= buffer.remaining()) {
      buffer.putInt(record.length).putInt(crc).put(record);
      return;
    }
    ByteBuffer header = ByteBuffer.allocate(JournalFormat.RECORD_HEADER_BYTES).putInt(record.length).putInt(crc);
    write(header.flip());
    write(ByteBuffer.wrap(record));
  }

  /** Hands everything buffered to the OS. */
  void flush() throws IOException {
    if (buffer.position() > 0) {
      buffer.flip();
      try {
        write(buffer);
      } finally {
        buffer.clear();
      }
    }
  }

  private void write(ByteBuffer source) throws IOException {
    int length = source.remaining();
    file.write(source, writePos);
    metrics.writeCalls.incrementAndGet();
    writePos += length;
    currentBytes = writePos;
    metrics.bytesWritten.addAndGet(length);
    markWritten();
  }

  private void markWritten() {
    if (!unforced) {
      unforced = true;
      unforcedSinceNanos = System.nanoTime();
    }
  }

  /** Restarts the BATCH fsync timer, so a failing periodic fsync is retried an interval later, not in a spin. */
  void deferForce() {
    unforcedSinceNanos = System.nanoTime();
  }

  void force() throws IOException {
    metrics.timedForce(file);
    unforced = false;
  }

  /** Makes everything written so far survive a later {@link #rollback}. */
  void commit() {
    goodPos = writePos;
  }

  /**
   * Drops everything after the last commit: the buffer and any bytes already written. Called
   * after a failed write or force, so the file ends at a record boundary and holds no record
   * whose callback reported an error. If the cut itself fails it is retried before the next write.
   */
  void rollback() throws IOException {
    buffer.clear();
    writePos = goodPos;
    needsRepair = true;
    repairIfNeeded();
  }

  /** Retries a cut that failed earlier; must succeed before anything new is written. */
  void repairIfNeeded() throws IOException {
    if (!needsRepair) {
      return;
    }
    file.truncate(goodPos);
    if (policy != FsyncPolicy.NEVER) {
      // Without this, a crash could bring the rolled-back records back from the page cache.
      force();
    }
    currentBytes = goodPos;
    needsRepair = false;
  }

  /** Writes out the buffer and, unless the policy is NEVER, forces the segment before a roll. */
  void seal() throws IOException {
    flush();
    if (policy != FsyncPolicy.NEVER && unforced) {
      force();
    }
  }

  /**
   * Continues in a new segment. The caller has sealed and committed the current one, so a
   * failure here leaves the current segment in use and loses nothing.
   */
  void roll() throws IOException {
    long next = seq + 1;
    Storage.WritableFile created = create(next);
    Storage.WritableFile old = file;
    closedBytes.addAndGet(goodPos);
    file = created;
    seq = next;
    goodPos = JournalFormat.SEGMENT_HEADER_BYTES;
    writePos = goodPos;
    currentBytes = goodPos;
    if (unforced) {
      unforcedRolled.addLast(old);
      if (unforcedRolled.size() > MAX_UNFORCED_ROLLED) {
        forceAndClose(unforcedRolled.removeFirst());
      }
      unforced = policy == FsyncPolicy.NEVER;
    } else {
      closeQuietly(old);
    }
  }

  /** Creates segment {@code newSeq} with its header; on failure leaves no file behind. */
  private Storage.WritableFile create(long newSeq) throws IOException {
    Path path = segmentPath(newSeq);
    Storage.WritableFile created = storage.openWritable(path);
    // Locked before it is cut to an empty file: if another writer holds it, it is that
    // writer's segment and must be left alone, not truncated or deleted.
    lockOrClose(created, path);
    try {
      created.truncate(0);
      ByteBuffer header = JournalFormat.segmentHeader(newSeq);
      created.write(header, 0);
      metrics.bytesWritten.addAndGet(JournalFormat.SEGMENT_HEADER_BYTES);
      if (policy != FsyncPolicy.NEVER) {
        metrics.timedForce(created);
        // The new name must be durable before records confirmed in it are.
        storage.forceDirectory(dir);
      }
      return created;
    } catch (IOException | RuntimeException e) {
      closeQuietly(created);
      try {
        storage.delete(path);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * Takes the exclusive lock a starting broker's recovery checks for, and holds it until the
   * segment is closed. {@link #roll} locks the new segment before it closes the old one, so the
   * directory always has a locked segment while this log is open.
   */
  private static void lockOrClose(Storage.WritableFile f, Path path) throws IOException {
    boolean locked;
    try {
      locked = f.tryLockExclusively();
    } catch (IOException | RuntimeException e) {
      closeQuietly(f);
      throw e;
    }
    if (!locked) {
      closeQuietly(f);
      throw new JournalInUseException(path);
    }
  }

  /** Forces whatever is still unforced, whatever the policy, and closes every handle. */
  @Override
  public void close() throws IOException {
    IOException failure = null;
    try {
      flush();
      repairIfNeeded();
      if (unforced) {
        force();
      }
    } catch (IOException e) {
      failure = e;
    }
    while (!unforcedRolled.isEmpty()) {
      try {
        forceAndClose(unforcedRolled.removeFirst());
      } catch (IOException e) {
        failure = failure == null ? e : failure;
      }
    }
    closeQuietly(file);
    if (failure != null) {
      throw failure;
    }
  }

  private void forceAndClose(Storage.WritableFile rolled) throws IOException {
    try {
      metrics.timedForce(rolled);
    } finally {
      closeQuietly(rolled);
    }
  }

  private Path segmentPath(long s) {
    return dir.resolve(JournalFormat.segmentName(s));
  }

  private static void closeQuietly(Storage.WritableFile f) {
    try {
      f.close();
    } catch (IOException e) {
      LOG.warn("Closing a journal segment failed", e);
    }
  }
}
