package dev.workq.server.internal.core;

import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * Failed tasks waiting out their retry backoff, the one due first at the head. Only the data:
 * {@link Failures} decides what goes in and what happens when an item is due. Core thread only.
 */
final class RetryHeap {

  private final PriorityQueue<Item> heap = new PriorityQueue<>(Comparator.comparingLong((Item i) -> i.notBefore));

  void add(Item item) {
    heap.add(item);
  }

  /** The item due first if it is due at {@code wallMillis}, taken out; else null. */
  Item pollDue(long wallMillis) {
    Item due = heap.peek();
    return due != null && due.notBefore <= wallMillis ? heap.poll() : null;
  }

  /** Takes {@code item} out; whether it was here. Linear: for cancels. */
  boolean remove(Item item) {
    return heap.remove(item);
  }

  /** Takes every item of queue {@code name} out, adding them to {@code into}. */
  void removeQueue(String name, List<Item> into) {
    for (Iterator<Item> it = heap.iterator(); it.hasNext(); ) {
      Item i = it.next();
      if (i.queue.equals(name)) {
        into.add(i);
        it.remove();
      }
    }
  }

  void forEach(Consumer<Item> action) {
    heap.forEach(action);
  }
}
