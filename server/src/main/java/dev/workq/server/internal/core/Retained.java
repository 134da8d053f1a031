package dev.workq.server.internal.core;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The finished tasks whose state and result stay findable by id: the result item the broker
 * filed for each (its {@link Item#finish} says how and when the task ended), for the result
 * retention after it finished, bounded by a count and by bytes, the oldest dropped first.
 *
 * <p>A retained entry is the very result item its done queue holds, so the result's bytes are in
 * memory and in the journal once. While the item is on its done queue the journal has it as
 * that; once it is taken off, its ack is journaled as RETIRE instead of REMOVE and the item
 * stays here as RETIRED. Neither expiry nor the caps write anything: a replay drops expired
 * entries by their finish time and applies the caps again (keeping the newest), and a compaction
 * writes only what is retained, so the plain round trip costs no extra record. It counts the
 * entries each cap dropped, for metrics. Core thread only.
 */
final class Retained {

  /** What an entry costs besides its result's bytes, for the byte bound. */
  static final long ENTRY_OVERHEAD = 160;

  private final long retentionMs;
  private final int maxCount;
  private final long maxBytes;
  private final Persistence persistence;
  /** Told of each entry dropped, so its dedup key can go. */
  private final Consumer<Item> onDrop;
  /** Entries in finish order, with those replaced by a later finish of the same id left in until they reach the head. */
  private final ArrayDeque<Item> order = new ArrayDeque<>();
  private final Map<String, Item> byId = new HashMap<>();
  private long bytes;
  private long evictedOverCount;
  private long evictedOverBytes;

  Retained(CoreConfig config, Persistence persistence, Consumer<Item> onDrop) {
    this.retentionMs = config.resultRetentionMs();
    this.maxCount = config.maxRetainedResults();
    this.maxBytes = config.maxRetainedBytes();
    this.persistence = persistence;
    this.onDrop = onDrop;
  }

  /** The retained result item of task {@code id}, or null. */
  Item get(String id) {
    return byId.get(id);
  }

  /** Whether {@code result} is a retained entry. */
  boolean holds(Item result) {
    return result.finish != null && byId.get(result.id) == result;
  }

  int size() {
    return byId.size();
  }

  long bytes() {
    return bytes;
  }

  /** Keeps {@code result} (a result item with its finish) as the retained state of its task. */
  void add(Item result) {
    if (keep(result)) {
      trim(true);
    }
  }

  /** Keeps an entry the journal replay found, unless its retention is over at {@code now}; whether it was kept. */
  boolean restore(Item result, long now) {
    if (result.finish.finishedAt() + retentionMs <= now) {
      return false;
    }
    if (keep(result)) {
      // Not counted: what the caps drop here they dropped before the restart, and counted then.
      trim(false);
    }
    return holds(result);
  }

  /** Files {@code result} in, past the caps until {@link #trim}; false if retention is off. */
  private boolean keep(Item result) {
    if (retentionMs <= 0 || maxCount <= 0) {
      return false;
    }
    Item old = byId.put(result.id, result);
    if (old != null) {
      forgotten(old, true);
    }
    order.addLast(result);
    bytes += size(result);
    return true;
  }

  /** Drops the entries whose retention is over at wall-clock {@code now}. */
  void expire(long now) {
    Item head;
    while ((head = order.peekFirst()) != null) {
      if (byId.get(head.id) != head) {
        order.pollFirst();
      } else if (head.finish.finishedAt() + retentionMs <= now) {
        // No REMOVE: a replay drops an expired entry by its finish time, and a compaction with it.
        drop(order.pollFirst(), false);
      } else {
        return;
      }
    }
  }

  /** Drops the oldest entries until both caps hold; {@code count}: whether the drops count as evictions. */
  private void trim(boolean count) {
    while (byId.size() > maxCount || bytes > maxBytes) {
      boolean overCount = byId.size() > maxCount;
      Item head = order.pollFirst();
      if (byId.get(head.id) == head) {
        // No REMOVE either: a replay applies the caps again, keeping the newest, and a
        // compaction writes only what is retained. A record per finished task would cost the
        // round trip once the caps are reached, which is all the time on a busy broker.
        drop(head, false);
        if (count && overCount) {
          evictedOverCount++;
        } else if (count) {
          evictedOverBytes++;
        }
      }
    }
  }

  private void drop(Item entry, boolean journal) {
    byId.remove(entry.id);
    forgotten(entry, journal);
  }

  /** {@code entry} is no longer retained; {@code journal}: a RETIRED one is journaled as removed, so a replay does not bring it back. */
  private void forgotten(Item entry, boolean journal) {
    bytes -= size(entry);
    if (journal && entry.state == Item.State.RETIRED) {
      persistence.appendQuietly(JournalRecords.remove(entry.seq));
    }
    onDrop.accept(entry);
  }

  /** Where the retained entries stand against their caps, for metrics. */
  CoreBudgets.RetainedCounts snapshot() {
    return new CoreBudgets.RetainedCounts(byId.size(), maxCount, bytes, maxBytes, evictedOverCount, evictedOverBytes);
  }

  private static long size(Item result) {
    return ENTRY_OVERHEAD + result.payload.length();
  }

  /** The entries already taken off their done queues: what a snapshot must carry besides the queues. */
  void forEachRetired(Consumer<Item> action) {
    for (Item i : byId.values()) {
      if (i.state == Item.State.RETIRED) {
        action.accept(i);
      }
    }
  }
}
