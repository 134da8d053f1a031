package dev.workq.server.internal.core;

import dev.workq.server.internal.journal.Journal;
import dev.workq.server.internal.journal.JournalOptions;
import java.io.IOException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the core's state changes go: the journal, a cluster leader's replicated log
 * ({@link RecordLog}), or nowhere for an in-memory broker. Decides when
 * to compact: once the journal has grown by four times the live state it last snapshotted (and
 * at least {@link #MIN_COMPACT_BYTES}), so the journal stays within a constant factor of the
 * live data however long the broker runs.
 */
final class Persistence implements AutoCloseable {

  /** Never compact below this much new journal: 64 MiB. */
  static final long MIN_COMPACT_BYTES = 64L << 20;

  private static final Logger log = LoggerFactory.getLogger(Persistence.class);

  private final Journal journal;
  /** A cluster leader's replicated log, instead of a journal; null otherwise. */
  private final RecordLog replicated;
  /** For tests, instead of a journal: gets every record and its callback. Null otherwise. */
  private final java.util.function.BiConsumer<byte[], Journal.AppendCallback> recorder;
  private final long minCompactBytes;
  /** Bytes of the last snapshot's records; set on the compactor thread once it is written. */
  private volatile long lastSnapshotBytes;

  private Persistence(Journal journal, long minCompactBytes) {
    this(journal, null, minCompactBytes);
  }

  private Persistence(Journal journal, java.util.function.BiConsumer<byte[], Journal.AppendCallback> recorder,
      long minCompactBytes) {
    this(journal, recorder, null, minCompactBytes);
  }

  private Persistence(Journal journal, java.util.function.BiConsumer<byte[], Journal.AppendCallback> recorder,
      RecordLog replicated, long minCompactBytes) {
    this.journal = journal;
    this.replicated = replicated;
    this.recorder = recorder;
    this.minCompactBytes = minCompactBytes;
  }

  static Persistence inMemory() {
    return new Persistence(null, Long.MAX_VALUE);
  }

  /**
   * For tests: every record goes to {@code recorder} with its callback (a no-op one for records
   * nobody waits for), which it calls when it chooses, on the core thread: a journal whose
   * durability the test controls. Never compacts.
   */
  static Persistence recording(java.util.function.BiConsumer<byte[], Journal.AppendCallback> recorder) {
    return new Persistence(null, recorder, Long.MAX_VALUE);
  }

  /**
   * A cluster leader's: every record goes to the replicated log, which compacts itself (Raft
   * snapshots of the replica), so this never compacts.
   */
  static Persistence replicated(RecordLog log) {
    return new Persistence(null, null, log, Long.MAX_VALUE);
  }

  /** Opens the journal and replays it into {@code target} before returning. */
  static Persistence open(JournalOptions options, JournalRecords.Target target, long minCompactBytes) throws IOException {
    Journal journal = Journal.open(options, record -> JournalRecords.replay(record, target));
    return new Persistence(journal, minCompactBytes);
  }

  boolean durable() {
    return journal != null || replicated != null;
  }

  /**
   * Appends {@code record}; {@code done} runs once it is durable under the fsync policy (on the
   * journal's thread), with the error if it could not be written. In memory it runs at once.
   */
  void append(byte[] record, Journal.AppendCallback done) {
    if (recorder != null) {
      recorder.accept(record, done);
    } else if (replicated != null) {
      replicated.append(record, done);
    } else if (journal == null) {
      done.done(null);
    } else {
      journal.append(record, done);
    }
  }

  /**
   * Appends a record nobody waits for. A failure is not reported here: the journal's writer has
   * already reported the outage it belongs to (once, not per record), and the state change stays
   * in memory, to be rewritten by the next compaction's snapshot.
   */
  void appendQuietly(byte[] record) {
    if (recorder != null) {
      recorder.accept(record, e -> { });
    } else if (replicated != null) {
      replicated.append(record, e -> { });
    } else if (journal != null) {
      journal.append(record, e -> {
        if (e != null && log.isDebugEnabled()) {
          log.debug("journal append failed; the state change is kept in memory until the next compaction: {}", e.toString());
        }
      });
    }
  }

  /**
   * Compacts if the journal has grown enough; {@code snapshot} is called only then, on the
   * caller's (the core) thread, and the journal encodes and writes what it captured on its own.
   */
  void compactIfDue(Supplier<Snapshotter.LiveState> snapshot) {
    if (journal == null) {
      return;
    }
    long grown = journal.bytesSinceSnapshot();
    if (grown < minCompactBytes || grown < 4 * lastSnapshotBytes) {
      return;
    }
    Snapshotter.LiveState state = snapshot.get();
    int records = state.records();
    log.info("compacting the journal: {} bytes since the last snapshot, {} live records", grown, records);
    journal.compactAsync(state).thenAccept(bytes -> {
      lastSnapshotBytes = bytes;
      log.info("journal snapshot written: {} live records ({} bytes)", records, bytes);
    });
  }

  /** The cluster's state for a cluster leader's core, else null. */
  dev.workq.protocol.ClusterInfo cluster() {
    return replicated == null ? null : replicated.cluster();
  }

  /** The journal's counters, or null in memory. */
  dev.workq.server.internal.journal.JournalStats journalStats() {
    return journal == null ? null : journal.stats();
  }

  long sizeBytes() {
    return journal == null ? 0 : journal.sizeBytes();
  }

  @Override
  public void close() {
    if (journal != null) {
      journal.close();
    }
  }
}
