package dev.workq.server.internal.core;

import java.util.Arrays;

/**
 * The held deliveries ordered by lease deadline: a binary min-heap on {@link Delivery#expiresAt}
 * in which every delivery knows its slot, so a settled delivery leaves at once. A plain priority
 * queue cannot remove from the middle cheaply, and one that kept settled deliveries until their
 * deadline held every recent task, payload and all, for a whole lease (about a million of them
 * at 30,000 tasks/s): a heap that grew by the second and young collections of 100 ms. Here the
 * size is the number of deliveries actually held. Core thread only.
 */
final class LeaseHeap {

  private Delivery[] heap = new Delivery[64];
  private int size;

  int size() {
    return size;
  }

  /** The delivery whose lease ends first, or null. */
  Delivery peek() {
    return size == 0 ? null : heap[0];
  }

  void add(Delivery d) {
    if (d.heapIndex >= 0) {
      throw new IllegalStateException("delivery " + d.tag + " is already in the lease heap");
    }
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    heap[size] = d;
    d.heapIndex = size;
    size++;
    up(d.heapIndex);
  }

  /** Removes {@code d}; nothing if it is not here. */
  void remove(Delivery d) {
    int i = d.heapIndex;
    if (i < 0 || i >= size || heap[i] != d) {
      return;
    }
    d.heapIndex = -1;
    size--;
    if (i == size) {
      heap[size] = null;
      return;
    }
    Delivery last = heap[size];
    heap[size] = null;
    heap[i] = last;
    last.heapIndex = i;
    if (!up(i)) {
      down(i);
    }
  }

  /** {@code d}'s deadline moved (a renewal): restores the order. */
  void changed(Delivery d) {
    int i = d.heapIndex;
    if (i < 0 || i >= size || heap[i] != d) {
      return;
    }
    if (!up(i)) {
      down(i);
    }
  }

  /** Moves slot {@code i} towards the root while it is earlier than its parent; true if it moved. */
  private boolean up(int i) {
    Delivery d = heap[i];
    int start = i;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      Delivery p = heap[parent];
      if (p.expiresAt - d.expiresAt <= 0) {
        break;
      }
      heap[i] = p;
      p.heapIndex = i;
      i = parent;
    }
    heap[i] = d;
    d.heapIndex = i;
    return i != start;
  }

  private void down(int i) {
    Delivery d = heap[i];
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && heap[right].expiresAt - heap[child].expiresAt < 0) {
        child = right;
      }
      Delivery c = heap[child];
      if (d.expiresAt - c.expiresAt <= 0) {
        break;
      }
      heap[i] = c;
      c.heapIndex = i;
      i = child;
    }
    heap[i] = d;
    d.heapIndex = i;
  }
}
