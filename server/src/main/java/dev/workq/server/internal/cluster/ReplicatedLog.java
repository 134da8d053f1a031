package dev.workq.server.internal.cluster;

import dev.workq.protocol.ClusterInfo;
import dev.workq.server.internal.core.RecordLog;
import dev.workq.server.internal.journal.Journal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A leader's {@link RecordLog}: the core's records go, in order, into Raft entries of many records
 * each, submitted to this node's own Raft server. Its thread drains whatever the core queued while
 * the previous entry was being replicated (group commit, as the journal's writer does), keeps
 * {@link #MAX_IN_FLIGHT} entry in flight, and runs each record's callback once its entry is
 * committed and applied. One lives as long as one leader's core.
 *
 * <p>An entry that fails (this node lost its leadership, the Raft server refused it) may still be
 * committed by the next leader, so its records are neither confirmed nor refused: the log calls
 * {@code onLost} once, stops submitting, and the node closes the core and its connections.
 */
final class ReplicatedLog implements RecordLog, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ReplicatedLog.class);
  /**
   * Entries submitted and not yet committed, at most. One: records queue while it replicates, so
   * the entries grow with the load and each costs Raft's per-entry work (its log write and force
   * on every member, its append request, its apply) once for thousands of records. Measured on
   * the bench's three nodes on two cores: 1 in flight, 5,469 tasks/s; 2, 4,498; 8, 4,664; 32,
   * 3,292. It also keeps the leader's pending writes at one entry, under Ratis's byte limit.
   */
  static final int MAX_IN_FLIGHT = 1;
  /** Records per entry, at most. */
  static final int MAX_RECORDS = 8192;
  /** Record bytes per entry, at most (one larger record goes alone). */
  static final int MAX_BYTES = 4 << 20;

  private record Pending(byte[] record, Journal.AppendCallback done) {}

  private final RaftServer server;
  private final RaftGroupId group;
  private final RaftPeerId self;
  private final ClientId clientId = ClientId.randomId();
  private final Runnable onLost;
  private final Supplier<ClusterInfo> cluster;
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
  private final AtomicBoolean lost = new AtomicBoolean();
  private final AtomicBoolean parked = new AtomicBoolean();
  private final AtomicLong callIds = new AtomicLong();
  private final Thread thread;
  private volatile boolean closed;

  ReplicatedLog(RaftServer server, RaftGroupId group, RaftPeerId self, Supplier<ClusterInfo> cluster, Runnable onLost) {
    this.server = server;
    this.cluster = cluster;
    this.group = group;
    this.self = self;
    this.onLost = onLost;
    this.thread = new Thread(this::run, "workq-replicator");
    this.thread.setDaemon(true);
  }

  /** Submits the leader's announcement first, then starts taking records. */
  CompletableFuture<Void> start(String nodeId, String clientAddress) {
    CompletableFuture<Void> announced = submit(RaftEntries.leader(nodeId, clientAddress)).thenAccept(r -> { });
    thread.start();
    return announced;
  }

  @Override
  public void append(byte[] record, Journal.AppendCallback done) {
    if (lost.get() || closed) {
      // Neither confirmed nor refused: the node is closing this core's connections.
      return;
    }
    queue.offer(new Pending(record, done));
    if (parked.get() && parked.compareAndSet(true, false)) {
      LockSupport.unpark(thread);
    }
  }

  private void run() {
    List<Pending> batch = new ArrayList<>();
    while (!closed && !lost.get()) {
      Pending p = queue.poll();
      if (p == null) {
        parked.set(true);
        if (queue.isEmpty() && !closed) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        parked.set(false);
        continue;
      }
      try {
        inFlight.acquire();
      } catch (InterruptedException e) {
        return;
      }
      int bytes = 0;
      batch.clear();
      do {
        batch.add(p);
        bytes += p.record.length;
        if (batch.size() >= MAX_RECORDS || bytes >= MAX_BYTES) {
          break;
        }
        p = queue.peek();
        if (p == null || bytes + p.record.length > MAX_BYTES) {
          break;
        }
        queue.poll();
      } while (true);
      List<Pending> entry = List.copyOf(batch);
      List<byte[]> records = new ArrayList<>(entry.size());
      for (Pending e : entry) {
        records.add(e.record);
      }
      submit(RaftEntries.records(records, bytes)).whenComplete((reply, error) -> {
        inFlight.release();
        if (error == null) {
          for (Pending e : entry) {
            e.done.done(null);
          }
        }
      });
    }
  }

  /** Submits one entry; completes once it is committed and applied here, and calls {@link #lose} if it cannot be. */
  private CompletableFuture<RaftClientReply> submit(byte[] entry) {
    RaftClientRequest request = RaftClientRequest.newBuilder()
        .setClientId(clientId)
        .setServerId(self)
        .setGroupId(group)
        .setCallId(callIds.incrementAndGet())
        .setMessage(Message.valueOf(UnsafeByteOperations.unsafeWrap(entry)))
        .setType(RaftClientRequest.writeRequestType())
        .build();
    CompletableFuture<RaftClientReply> reply;
    try {
      reply = server.submitClientRequestAsync(request);
    } catch (Exception e) {
      lose(e.toString());
      return CompletableFuture.failedFuture(e);
    }
    return reply.thenApply(r -> {
      if (!r.isSuccess()) {
        String why = r.getException() != null ? r.getException().getMessage() : "not committed";
        lose(why);
        throw new IllegalStateException(why);
      }
      return r;
    }).whenComplete((r, e) -> {
      if (e != null) {
        lose(e.toString());
      }
    });
  }

  private void lose(String why) {
    if (closed || !lost.compareAndSet(false, true)) {
      return;
    }
    log.warn("the replicated log refused an entry ({}): this node stops serving as leader", why);
    LockSupport.unpark(thread);
    onLost.run();
  }

  @Override
  public ClusterInfo cluster() {
    return cluster.get();
  }

  /** Stops submitting; what is queued is dropped unanswered, as on a lost leadership. */
  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(thread);
  }
}
