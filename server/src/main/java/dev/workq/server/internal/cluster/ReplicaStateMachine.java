package dev.workq.server.internal.cluster;

import dev.workq.server.internal.core.Replica;
import dev.workq.server.internal.journal.SnapshotFiles;
import dev.workq.server.internal.journal.SnapshotSource;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Raft state machine of a workq node: applies each committed entry's journal records to the
 * node's {@link Replica}, remembers the client address the current leader announced, writes Raft
 * snapshots of the replica in the journal's snapshot format and loads them back (at start, and
 * when the leader installs one on a follower that fell behind), and tells the node of leadership
 * changes. Ratis calls it on its state-machine thread, one entry at a time in log order.
 *
 * <p>A snapshot is captured on that thread (a copy of the live items' fields, quick) and written on
 * a thread of its own: Ratis waits for {@link #takeSnapshot} before applying the next entry, and
 * a leader confirms a put only once it has applied it, so writing and checksumming the file there
 * stalled every confirmation for the write's length (200-600 ms for 10,000 records on the bench's
 * two cores). The index of a written snapshot is given to Ratis at its next call, which is when
 * Ratis may purge the log it covers.
 */
final class ReplicaStateMachine extends BaseStateMachine {

  private static final Logger log = LoggerFactory.getLogger(ReplicaStateMachine.class);

  /** What the node learns from the state machine; called on Ratis threads, so it must not block. */
  interface Events {
    /** This node is the leader and has applied every entry of earlier terms. */
    void leaderReady();

    /** The leader is now {@code leaderId} (null: none known), or this node stepped down. */
    void leaderChanged(RaftPeerId leaderId);
  }

  /** A leader's announced client address. */
  record Announced(String nodeId, String clientAddress) {}

  private final SnapshotStorage storage = new SnapshotStorage();
  private final Replica replica;
  private final Events events;
  private final long minSnapshotBytes;
  private volatile Announced announced;
  /** Bytes of records applied since the last snapshot was captured; state-machine thread only. */
  private long bytesSinceSnapshot;
  /** Bytes of the last snapshot written or loaded. */
  private volatile long lastSnapshotBytes;
  /** Writes captured snapshots, one at a time. */
  private final Executor writer;
  /** What {@link #close} shuts down: the writer, when this class made it. */
  private final ExecutorService ownWriter;
  /** A captured snapshot is being written; set on the state-machine thread, cleared by the writer. */
  private volatile boolean writing;
  /** The last snapshot written and not yet given to Ratis, or null. */
  private volatile TermIndex written;
  /** The highest snapshot index Ratis knows of (given to it, or loaded); state-machine thread only. */
  private long knownIndex = RaftLog.INVALID_LOG_INDEX;
  /** The index of the last snapshot captured, written or not; state-machine thread only. */
  private long capturedIndex = RaftLog.INVALID_LOG_INDEX;

  /**
   * @param minSnapshotBytes the fewest bytes of records applied between two snapshots; past that,
   *     a snapshot is written once four times the last one's size has been applied, as the journal
   *     compacts, so snapshots cost a constant factor of what is written however large the state
   */
  ReplicaStateMachine(Replica replica, long minSnapshotBytes, Events events) {
    this(replica, minSnapshotBytes, events, null);
  }

  /** As above, snapshots written on {@code writer} (null: a thread of this state machine's own). */
  ReplicaStateMachine(Replica replica, long minSnapshotBytes, Events events, Executor writer) {
    this.replica = replica;
    this.events = events;
    this.minSnapshotBytes = minSnapshotBytes;
    if (writer == null) {
      this.ownWriter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "workq-raft-snapshot");
        t.setDaemon(true);
        return t;
      });
      this.writer = ownWriter;
    } else {
      this.ownWriter = null;
      this.writer = writer;
    }
  }

  /** Ratis's file storage of snapshots, which deletes old ones only after a new one was written. */
  private static final class SnapshotStorage extends SimpleStateMachineStorage {
    private volatile boolean wrote;

    @Override
    public void cleanupOldSnapshots(org.apache.ratis.statemachine.SnapshotRetentionPolicy policy) throws IOException {
      if (wrote) {
        wrote = false;
        super.cleanupOldSnapshots(policy);
      }
    }
  }

  /** The last leader announcement applied, or null. */
  Announced announced() {
    return announced;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
    super.initialize(server, groupId, raftStorage);
    storage.init(raftStorage);
    load(storage.loadLatestSnapshot());
  }

  @Override
  public void reinitialize() throws IOException {
    load(storage.loadLatestSnapshot());
  }

  @Override
  public SimpleStateMachineStorage getStateMachineStorage() {
    return storage;
  }

  private void load(SingleFileSnapshotInfo snapshot) throws IOException {
    if (snapshot == null) {
      return;
    }
    Path file = snapshot.getFile().getPath();
    if (!Files.exists(file)) {
      log.warn("snapshot {} is listed but its file {} is missing; keeping the state as it is", snapshot, file);
      return;
    }
    if (snapshot.getFile().getFileDigest() != null) {
      MD5FileUtil.verifySavedMD5(file.toFile(), snapshot.getFile().getFileDigest());
    }
    TermIndex last = snapshot.getTermIndex();
    lastSnapshotBytes = Files.size(file);
    bytesSinceSnapshot = 0;
    knownIndex = Math.max(knownIndex, last.getIndex());
    replica.clear();
    long records = SnapshotFiles.replay(file, last.getIndex(), replica::apply);
    updateLastAppliedTermIndex(last);
    log.info("loaded the replicated state from {}: {} records, {} items, at log index {}", file.getFileName(), records,
        replica.items(), last.getIndex());
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    try {
      RaftEntries.read(entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer(), new RaftEntries.Visitor() {
        @Override
        public void record(byte[] record) throws IOException {
          replica.apply(record);
          bytesSinceSnapshot += record.length;
        }

        @Override
        public void leader(String nodeId, String clientAddress) {
          announced = new Announced(nodeId, clientAddress);
        }
      });
    } catch (IOException | RuntimeException e) {
      // Every node applies the same bytes, so this is a bug, not a disk fault: stop, do not diverge.
      return CompletableFuture.failedFuture(new IOException("cannot apply log entry " + entry.getIndex() + ": " + e, e));
    }
    updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
    return CompletableFuture.completedFuture(Message.EMPTY);
  }

  /**
   * Gives Ratis the index of a snapshot written since its last call, if any; otherwise, when one
   * is due and none is being written, captures the replica and starts writing it. Ratis calls
   * this after each batch of entries applied while its entry threshold is passed, so a written
   * snapshot is reported at the latest one batch later.
   */
  @Override
  public long takeSnapshot() {
    TermIndex done = written;
    if (done != null) {
      written = null;
      if (done.getIndex() > knownIndex) {
        // Lower would be older than one Ratis installed meanwhile: it must never go backwards.
        knownIndex = done.getIndex();
        return done.getIndex();
      }
    }
    TermIndex last = getLastAppliedTermIndex();
    if (writing || last == null || last.getIndex() <= Math.max(knownIndex, capturedIndex)
        || bytesSinceSnapshot < Math.max(minSnapshotBytes, 4 * lastSnapshotBytes)) {
      // Not due, or not yet written: Ratis asks again after the next batch; this answer is cheap.
      return RaftLog.INVALID_LOG_INDEX;
    }
    SnapshotSource source = replica.capture();
    // Reset now, not when written: a failed write is retried once as much again is applied.
    bytesSinceSnapshot = 0;
    capturedIndex = last.getIndex();
    writing = true;
    try {
      writer.execute(() -> write(last, source));
    } catch (RuntimeException e) {
      writing = false;
      log.warn("could not start writing a Raft snapshot at {}; the log is kept until the next: {}", last, e.toString());
    }
    return RaftLog.INVALID_LOG_INDEX;
  }

  /** On the writer: writes {@code source} as the snapshot at {@code last}. */
  private void write(TermIndex last, SnapshotSource source) {
    try {
      File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
      long start = System.nanoTime();
      long records = SnapshotFiles.write(file.toPath(), last.getIndex(), source);
      FileInfo info = new FileInfo(file.toPath(), MD5FileUtil.computeAndSaveMd5ForFile(file));
      storage.updateLatestSnapshot(new SingleFileSnapshotInfo(info, last));
      storage.wrote = true;
      lastSnapshotBytes = file.length();
      written = last;
      log.info("wrote Raft snapshot {}: {} records in {} ms", file.getName(), records, (System.nanoTime() - start) / 1_000_000);
    } catch (IOException | RuntimeException e) {
      // The log it would have replaced stays; the next due snapshot tries again.
      log.error("could not write the Raft snapshot at {}; the Raft log is kept until the next one: {}", last, e.toString());
    } finally {
      writing = false;
    }
  }

  /** Waits (a bounded time) for a snapshot being written, then stops the writer this class made. */
  @Override
  public void close() throws IOException {
    if (ownWriter != null) {
      ownWriter.shutdown();
      try {
        if (!ownWriter.awaitTermination(30, TimeUnit.SECONDS)) {
          log.warn("a Raft snapshot was still being written after 30 s; its partial file is left under a .tmp name");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    super.close();
  }

  @Override
  public void notifyLeaderReady() {
    events.leaderReady();
  }

  @Override
  public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
    events.leaderChanged(newLeaderId);
  }

  @Override
  public void notifyNotLeader(Collection<TransactionContext> pendingEntries) {
    events.leaderChanged(null);
  }
}
