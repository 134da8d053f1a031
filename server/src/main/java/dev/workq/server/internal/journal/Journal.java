package dev.workq.server.internal.journal;

import dev.workq.server.FsyncPolicy;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's crash-safe, append-only journal of opaque state-change records.
 *
 * <p>The broker's core thread {@link #append appends} every state change; a writer thread
 * writes them to segment files with group commit and reports each record durable through its
 * callback, as the {@link FsyncPolicy} defines. On restart {@link #open} replays every live
 * record in order. {@link #compact} replaces the history with a snapshot of the live state so
 * the journal stays bounded. The file format is described in {@link JournalFormat}.
 *
 * <p>Threading: {@link #append} and {@link #compact} must be called from one thread (the
 * broker core); {@link #close} from that thread too or once it has stopped appending. Stats and
 * sizes may be read from any thread. Callbacks run on the writer thread and must be quick.
 */
public final class Journal implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

  /** Learns, on the writer thread, whether one appended record is durable. */
  @FunctionalInterface
  public interface AppendCallback {
    /** @param errorOrNull null if the record is durable under the policy, else why it is not in the journal */
    void done(Throwable errorOrNull);
  }

  private final JournalWriter writer;
  private final SnapshotWriter compactor;
  private final JournalMetrics metrics;
  private final AtomicLong closedBytes;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Framed bytes appended since open; written by the core thread only. */
  private final AtomicLong appendedBytes = new AtomicLong();
  /** {@link #appendedBytes} at the last compaction, minus what was since the snapshot at open. */
  private volatile long snapshotMark;

  private Journal(JournalWriter writer, SnapshotWriter compactor, JournalMetrics metrics,
          AtomicLong closedBytes, long bytesSinceSnapshotAtOpen) {
    this.writer = writer;
    this.compactor = compactor;
    this.metrics = metrics;
    this.closedBytes = closedBytes;
    this.snapshotMark = -bytesSinceSnapshotAtOpen;
  }

  /**
   * Opens (creating the directory if needed), replays every live record in order to
   * {@code replay} on the calling thread, then starts the writer thread.
   *
   * @throws JournalCorruptedException for damage other than a torn last write; the message
   *                                   names the file and the byte offset
   * @throws IOException               if the directory cannot be read or written, or {@code replay} throws
   */
  public static Journal open(JournalOptions options, RecordConsumer replay) throws IOException {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(replay, "replay");
    JournalMetrics metrics = new JournalMetrics(options.fsyncTimer());
    long start = System.nanoTime();
    JournalRecovery.Result r = JournalRecovery.recover(options.storage(), options.dataDir(), replay);
    metrics.truncatedTailBytes.set(r.truncatedTailBytes());
    AtomicLong closedBytes = new AtomicLong(r.closedSegmentBytes());
    SegmentLog log = new SegmentLog(options.storage(), options.dataDir(), options.fsync(), metrics, closedBytes);
    if (r.lastSegmentSeq() == 0) {
      log.open(r.snapshotSeq() + 1, 0, false);
    } else {
      log.open(r.lastSegmentSeq(), r.lastSegmentEnd(), true);
    }
    SnapshotWriter compactor = new SnapshotWriter(options.storage(), options.dataDir(), metrics, closedBytes);
    JournalWriter writer = new JournalWriter(options, log, compactor, metrics);
    writer.start();
    LOG.info("Journal {} opened: {} records replayed in {} ms, snapshot {}, writing segment {}",
        options.dataDir(), r.records(), (System.nanoTime() - start) / 1_000_000,
        r.snapshotSeq(), log.seq());
    return new Journal(writer, compactor, metrics, closedBytes, r.bytesSinceSnapshot());
  }

  /**
   * Appends one record without blocking: the record goes to the writer thread, and
   * {@code callback} runs there once the record is durable under the policy (ALWAYS: after
   * the fsync covering it; BATCH and NEVER: after it is written to the OS), or with the error
   * if its batch failed, in which case the record is not in the journal. After {@link #close}
   * the callback gets an {@link IllegalStateException} at once, on the calling thread.
   *
   * @param record   the payload; the journal keeps a reference, so it must not change afterwards
   * @throws IllegalArgumentException if the record is longer than 64 MiB
   */
  public void append(byte[] record, AppendCallback callback) {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(callback, "callback");
    if (record.length > JournalFormat.MAX_RECORD_BYTES) {
      throw new IllegalArgumentException("record length " + record.length
          + " exceeds the maximum of " + JournalFormat.MAX_RECORD_BYTES + " bytes");
    }
    Throwable fatal = writer.fatal();
    if (closed.get() || fatal != null) {
      callback.done(fatal == null
          ? new IllegalStateException("journal is closed")
          : new IOException("journal writer failed", fatal));
      return;
    }
    appendedBytes.addAndGet(JournalFormat.RECORD_HEADER_BYTES + record.length);
    writer.enqueue(JournalWriter.Request.append(record, callback));
  }

  /**
   * Compacts the journal to {@code snapshotRecords}, the live state as records which, replayed
   * alone, rebuild it. Every record appended before this call is covered by the snapshot and
   * every record appended after it is replayed after the snapshot. The snapshot is written in
   * the background; failures are logged and leave the previous files, which stay correct.
   */
  public void compact(List<byte[]> snapshotRecords) {
    compactAsync(snapshotRecords);
  }

  /**
   * Like {@link #compact}, returning a future that completes, on a journal thread, once the
   * snapshot is durable and older files are deleted, or exceptionally if compaction failed.
   */
  public CompletableFuture<Void> compactAsync(List<byte[]> snapshotRecords) {
    return compactAsync(SnapshotSource.of(snapshotRecords)).thenApply(bytes -> null);
  }

  /**
   * Like {@link #compactAsync(List)}, with the records encoded on the compactor thread: the
   * caller only hands over what is live, which must not change afterwards. The future completes
   * with the bytes of the snapshot's framed records.
   */
  public CompletableFuture<Long> compactAsync(SnapshotSource snapshot) {
    Objects.requireNonNull(snapshot, "snapshot");
    CompletableFuture<Long> done = new CompletableFuture<>();
    if (closed.get()) {
      done.completeExceptionally(new IllegalStateException("journal is closed"));
      return done;
    }
    // Reset now, not when the snapshot lands, so the broker does not ask again meanwhile.
    snapshotMark = appendedBytes.get();
    writer.enqueue(JournalWriter.Request.compact(snapshot, done));
    return done;
  }

  /** @return bytes of segment and snapshot files currently on disk */
  public long sizeBytes() {
    return closedBytes.get() + writer.currentSegmentBytes();
  }

  /**
   * @return bytes of records appended since the last {@link #compact} call (or, right after
   *         open, held in segments newer than the snapshot), for deciding when to compact
   */
  public long bytesSinceSnapshot() {
    return appendedBytes.get() - snapshotMark;
  }

  /** @return a copy of the current counters */
  public JournalStats stats() {
    return metrics.snapshot();
  }

  /**
   * Writes and fsyncs everything pending, whatever the policy, finishes requested compactions
   * and stops the journal's threads. Idempotent; never throws (failures are logged).
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    writer.close();
    compactor.close();
    LOG.info("Journal closed: {}; {}", metrics.snapshot(), metrics.batching());
  }
}
