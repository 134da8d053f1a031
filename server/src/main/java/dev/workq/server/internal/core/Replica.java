package dev.workq.server.internal.core;

import dev.workq.server.internal.journal.SnapshotSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The broker state a cluster node keeps from the replicated log: every committed journal record
 * applied in log order, exactly as a restart replays a journal. Every node keeps one, the leader
 * too, so that whichever node is elected builds its core from it ({@link BrokerCore#replicated}),
 * and Raft snapshots are written from it in the journal's snapshot format.
 *
 * <p>Thread-safe: the Raft state machine applies records on its thread; a new leader and the
 * stats read it from others.
 */
public final class Replica {

  private Recovered state = new Recovered();
  private long records;

  /** Applies one committed journal record. */
  public synchronized void apply(byte[] record) throws IOException {
    JournalRecords.replay(record, state);
    records++;
  }

  /** Forgets everything: before a snapshot is loaded in its place. */
  public synchronized void clear() {
    state = new Recovered();
    records = 0;
  }

  /**
   * The live state as it is now, as the records of a snapshot (an EPOCH, a PUT per live item, a
   * CLOSE per closed queue): the fields are captured now, so later records do not change it.
   */
  public synchronized SnapshotSource capture() {
    List<Snapshotter.LiveItem> items = new ArrayList<>();
    for (Item i : state.items()) {
      items.add(Snapshotter.LiveItem.of(i));
    }
    return new Snapshotter.LiveState(state.epoch(), items, List.copyOf(state.closedQueues()));
  }

  /** Live items: tasks, values and results, retained ones included. */
  public synchronized int items() {
    return state.items().size();
  }

  /** Records applied since the last {@link #clear}. */
  public synchronized long records() {
    return records;
  }

  /** The last broker epoch a record named. */
  public synchronized long epoch() {
    return state.epoch();
  }

  /**
   * A state of the core's own, equal to this one: the core changes its items as it runs, so it
   * must not share this replica's (the payloads, which never change, are shared).
   */
  Recovered copyForCore() throws IOException {
    SnapshotSource snapshot = capture();
    Recovered copy = new Recovered();
    List<byte[]> encoded = new ArrayList<>();
    snapshot.writeTo(encoded::add);
    for (byte[] r : encoded) {
      JournalRecords.replay(r, copy);
    }
    return copy;
  }
}
