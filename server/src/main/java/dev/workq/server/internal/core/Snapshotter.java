package dev.workq.server.internal.core;

import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Payload;
import dev.workq.server.internal.journal.SnapshotSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a compaction writes: every live item (ready, delayed, dead, held by a connection, put and
 * not yet durable, and the retained results already taken off their done queues; not the STOPs
 * the broker makes for closed queues), the run's epoch and the closed queues. On the core thread
 * it only captures each item's fields
 * and its immutable payload reference; the journal's compactor thread encodes them. Core thread only.
 */
final class Snapshotter {

  /**
   * An item as it was when the snapshot was taken. Items change on the core thread while the
   * compactor encodes; this copy does not, and its payload is shared, not copied.
   */
  record LiveItem(long seq, String queue, ItemKind kind, Item.State state, String id, String handler, String replyTo,
      int maxAttempts, long leaseMs, int attempts, int crashes, long notBefore, List<String> errors, int priority, String key,
      Finish finish, Payload payload) {

    static LiveItem of(Item i) {
      return new LiveItem(i.seq, i.queue, i.kind, i.state, i.id, i.handler, i.replyTo, i.maxAttempts, i.leaseMs, i.attempts,
          i.crashes, i.notBefore, i.errors, i.priority, i.key, i.finish, i.payload);
    }
  }

  /**
   * The captured state: encoded into the journal's records (an EPOCH, then a PUT per item, then
   * a CLOSE per closed queue) on the compactor thread.
   */
  record LiveState(long epoch, List<LiveItem> items, List<String> closedQueues) implements SnapshotSource {

    LiveState(long epoch, List<LiveItem> items) {
      this(epoch, items, List.of());
    }

    /** Records the snapshot holds. */
    int records() {
      return items.size() + 1 + closedQueues.size();
    }

    @Override
    public void writeTo(Sink sink) throws IOException {
      sink.accept(JournalRecords.epoch(epoch));
      for (LiveItem i : items) {
        sink.accept(JournalRecords.put(i));
      }
      for (String q : closedQueues) {
        sink.accept(JournalRecords.close(q, true));
      }
    }
  }

  private final long epoch;
  private final Queues queues;
  private final Sessions sessions;
  private final RetryHeap retries;
  private final Intake intake;
  private final Retained retained;

  Snapshotter(long epoch, Queues queues, Sessions sessions, RetryHeap retries, Intake intake, Retained retained) {
    this.retained = retained;
    this.epoch = epoch;
    this.queues = queues;
    this.sessions = sessions;
    this.retries = retries;
    this.intake = intake;
  }

  /** Every live item, captured (in the order the journal's snapshot has always listed them). */
  LiveState capture() {
    List<LiveItem> items = new ArrayList<>();
    for (QueueState q : queues.all()) {
      q.ready.forEach(i -> items.add(LiveItem.of(i)));
      q.dead.values().forEach(i -> items.add(LiveItem.of(i)));
    }
    for (Session s : sessions.all()) {
      for (Delivery d : s.held.values()) {
        if (!QueueOps.brokerMade(d.item) && queues.holds(d.queue)) {
          items.add(LiveItem.of(d.item));
        }
      }
    }
    retries.forEach(i -> items.add(LiveItem.of(i)));
    intake.pending().forEach(i -> items.add(LiveItem.of(i)));
    retained.forEachRetired(i -> items.add(LiveItem.of(i)));
    return new LiveState(epoch, items, closedQueues());
  }

  /** The closed marks, which a snapshot must carry as the journal it replaces did. */
  private List<String> closedQueues() {
    List<String> closed = new ArrayList<>();
    for (QueueState q : queues.all()) {
      if (q.closed) {
        closed.add(q.name);
      }
    }
    return closed;
  }
}
