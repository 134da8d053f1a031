package dev.workq.server.internal.core;

import dev.workq.protocol.ItemKind;
import dev.workq.server.internal.journal.SnapshotSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The broker state a cluster node keeps from the replicated log: every committed journal record
 * applied in log order, exactly as a restart replays a journal. Every node keeps one, the leader
 * too, so that whichever node is elected builds its core from it ({@link BrokerCore#replicated}),
 * and Raft snapshots are written from it in the journal's snapshot format.
 *
 * <p>It also owns the bound on finished tasks' retained results that a replay applies: neither
 * the retention's expiry nor its count and byte caps write a record (see {@link Retained}), so a
 * replica applying records alone would keep every result taken off its done queue for ever. It
 * keeps them as a restarting core would: by their finish time on this node's wall clock, and the
 * newest within the caps.
 *
 * <p>Thread-safe: the Raft state machine applies records on its thread; a new leader and the
 * stats read it from others.
 */
public final class Replica {

  private final CoreConfig config;
  private final LongSupplier wallClock;
  private Recovered state;
  private Retained retained;
  private final JournalRecords.Target target = new JournalRecords.Target() {
    @Override
    public void put(Item item) {
      state.put(item);
      if (item.kind == ItemKind.RESULT && item.finish != null && !retained.restore(item, wallClock.getAsLong())) {
        dropped(item);
      }
    }

    @Override
    public void remove(long seq) {
      state.remove(seq);
    }

    @Override
    public void retire(long seq) {
      Item item = state.get(seq);
      if (item != null && !retained.holds(item)) {
        // Its retention here is over (this node's clock or caps dropped it first): gone, as a
        // restart would have it.
        state.remove(seq);
      } else {
        state.retire(seq);
      }
    }

    @Override
    public void epoch(long epoch) {
      state.epoch(epoch);
    }

    @Override
    public void closed(String queue, boolean closed) {
      state.closed(queue, closed);
    }
  };
  private long records;

  /** A replica bounding retained results by {@code config}'s retention and caps, on {@code wallClock} (epoch ms). */
  public Replica(CoreConfig config, LongSupplier wallClock) {
    this.config = config;
    this.wallClock = wallClock;
    clear();
  }

  /** Applies one committed journal record. */
  public synchronized void apply(byte[] record) throws IOException {
    JournalRecords.replay(record, target);
    retained.expire(wallClock.getAsLong());
    records++;
  }

  /** Forgets everything: before a snapshot is loaded in its place. */
  public synchronized void clear() {
    state = new Recovered();
    retained = new Retained(config, Persistence.inMemory(), this::dropped);
    records = 0;
  }

  /** {@code result} is no longer retained: if taken off its done queue, it is gone. */
  private void dropped(Item result) {
    if (result.state == Item.State.RETIRED && state.get(result.seq) == result) {
      state.remove(result.seq);
    }
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
    return state.size();
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
