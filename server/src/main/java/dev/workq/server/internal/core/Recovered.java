package dev.workq.server.internal.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The state rebuilt from the journal at startup: every live item by seq and the last epoch.
 * Items that were delivered when the broker stopped were never journaled as delivered, so they
 * come back ready, at their place in the queue.
 */
final class Recovered implements JournalRecords.Target {

  private final Map<Long, Item> live = new HashMap<>();
  private final Set<String> closedQueues = new LinkedHashSet<>();
  private long epoch;
  private long records;
  private long maxSeq;

  @Override
  public void put(Item item) {
    live.put(item.seq, item);
    maxSeq = Math.max(maxSeq, item.seq);
    records++;
  }

  @Override
  public void remove(long seq) {
    live.remove(seq);
    maxSeq = Math.max(maxSeq, seq);
    records++;
  }

  @Override
  public void retire(long seq) {
    Item item = live.get(seq);
    if (item != null) {
      item.state = Item.State.RETIRED;
    }
    records++;
  }

  @Override
  public void epoch(long e) {
    epoch = Math.max(epoch, e);
    records++;
  }

  @Override
  public void closed(String queue, boolean closed) {
    if (closed) {
      closedQueues.add(queue);
    } else {
      closedQueues.remove(queue);
    }
    records++;
  }

  /** How many items are live. */
  int size() {
    return live.size();
  }

  /** The live item {@code seq}, or null. */
  Item get(long seq) {
    return live.get(seq);
  }

  /** The queues closed when the journal ended. */
  Set<String> closedQueues() {
    return closedQueues;
  }

  long epoch() {
    return epoch;
  }

  long records() {
    return records;
  }

  /** Live items in seq order: queue order for each queue. */
  List<Item> items() {
    List<Item> items = new ArrayList<>(live.values());
    items.sort(Comparator.comparingLong(i -> i.seq));
    return items;
  }

  /** The highest seq any record named, so new items never reuse one. */
  long maxSeq() {
    return maxSeq;
  }
}
