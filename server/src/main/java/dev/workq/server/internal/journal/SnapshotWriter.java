package dev.workq.server.internal.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes snapshots on a background thread so appends continue meanwhile, then deletes the
 * segments and snapshots a new snapshot makes obsolete. Each step is crash-safe: the snapshot is
 * written under a {@code .tmp} name, forced, renamed atomically and the directory forced, and only
 * then is anything deleted. Compactions run one at a time, in request order.
 */
final class SnapshotWriter implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotWriter.class);
  private static final int BUFFER_BYTES = 1 << 20;

  private final Storage storage;
  private final Path dir;
  private final JournalMetrics metrics;
  private final AtomicLong closedBytes;
  private final List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "workq-journal-compactor");
    t.setDaemon(true);
    threads.add(t);
    return t;
  });

  SnapshotWriter(Storage storage, Path dir, JournalMetrics metrics, AtomicLong closedBytes) {
    this.storage = storage;
    this.dir = dir;
    this.metrics = metrics;
    this.closedBytes = closedBytes;
  }

  /**
   * Encodes and writes snapshot {@code seq} from {@code records} in the background, then completes
   * {@code done} with the bytes of its framed records.
   */
  void submit(long seq, SnapshotSource records, CompletableFuture<Long> done) {
    try {
      executor.execute(() -> run(seq, records, done));
    } catch (RejectedExecutionException e) {
      metrics.compactionFailures.incrementAndGet();
      done.completeExceptionally(new IllegalStateException("journal is closed", e));
    }
  }

  private void run(long seq, SnapshotSource records, CompletableFuture<Long> done) {
    long body;
    try {
      body = write(seq, records);
    } catch (IOException | RuntimeException e) {
      metrics.compactionFailures.incrementAndGet();
      LOG.error("Writing {} failed; the journal keeps its segments", JournalFormat.snapshotName(seq), e);
      done.completeExceptionally(e);
      return;
    }
    metrics.compactions.incrementAndGet();
    deleteObsolete(seq);
    done.complete(body);
  }

  /**
   * Streams the records behind the header's place, then writes the header (their count and
   * length are known only then). The header is written last, but before the force and the
   * rename: until both, the file has its {@code .tmp} name, which recovery ignores.
   */
  private long write(long seq, SnapshotSource records) throws IOException {
    long body = SnapshotFiles.write(storage, dir.resolve(JournalFormat.snapshotName(seq)), seq, records, metrics::timedForce)[1];
    closedBytes.addAndGet(JournalFormat.SNAPSHOT_HEADER_BYTES + body);
    return body;
  }

  /** Frames records into a buffer and writes it out whenever the next record does not fit. */
  static final class BodyWriter implements SnapshotSource.Sink {
    private final Storage.WritableFile file;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
    long pos;
    long count;

    BodyWriter(Storage.WritableFile file, long start) {
      this.file = file;
      this.pos = start;
    }

    @Override
    public void accept(byte[] r) throws IOException {
      count++;
      int framed = JournalFormat.RECORD_HEADER_BYTES + r.length;
      if (framed > buffer.remaining()) {
        flush();
      }
      int crc = JournalFormat.recordCrc(r.length, r, 0);
      if (framed <= buffer.remaining()) {
        buffer.putInt(r.length).putInt(crc).put(r);
      } else {
        buffer.putInt(r.length).putInt(crc);
        flush();
        file.write(ByteBuffer.wrap(r), pos);
        pos += r.length;
      }
    }

    void flush() throws IOException {
      pos += writeOut(file, buffer, pos);
    }
  }

  private static int writeOut(Storage.WritableFile file, ByteBuffer buffer, long pos) throws IOException {
    buffer.flip();
    int length = buffer.remaining();
    file.write(buffer, pos);
    buffer.clear();
    return length;
  }

  /**
   * Deletes segments {@code <= seq} and snapshots {@code < seq}. A failure here loses nothing:
   * the files left behind are obsolete and the next compaction or open deletes them.
   */
  private void deleteObsolete(long seq) {
    try {
      for (Path file : storage.list(dir)) {
        long segment = JournalFormat.segmentSeq(file);
        long snapshot = JournalFormat.snapshotSeq(file);
        if ((segment > 0 && segment <= seq) || (snapshot > 0 && snapshot < seq)) {
          long size = storage.size(file);
          storage.delete(file);
          closedBytes.addAndGet(-size);
        }
      }
      storage.forceDirectory(dir);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Deleting files made obsolete by {} failed; they are retried later",
          JournalFormat.snapshotName(seq), e);
    }
  }

  /** Finishes the compactions already requested, then stops the thread. */
  @Override
  public void close() {
    executor.shutdown();
    boolean interrupted = false;
    try {
      while (true) {
        try {
          if (executor.awaitTermination(1, TimeUnit.SECONDS)) {
            // Termination is signalled just before the worker exits; wait for the exit
            // so a closed journal has no thread left.
            for (Thread t : threads) {
              t.join();
            }
            break;
          }
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
