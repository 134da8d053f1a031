package dev.workq.server.internal.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One named queue: its ready items in FIFO order, its consumers and waiting fetches, and its
 * counters. Owned by the core thread.
 */
final class QueueState {

  final String name;
  final ArrayDeque<Item> ready = new ArrayDeque<>();
  final List<Consumer> consumers = new ArrayList<>();
  final ArrayDeque<FetchWaiter> waiters = new ArrayDeque<>();
  long inFlight;
  long delivered;
  long completed;
  private int next;

  QueueState(String name) {
    this.name = name;
  }

  /**
   * The next consumer with credit, round robin, so tasks spread over every worker that can take
   * one instead of filling the first.
   */
  Consumer nextConsumer() {
    int n = consumers.size();
    for (int i = 0; i < n; i++) {
      int index = (next + i) % n;
      Consumer c = consumers.get(index);
      if (c.canTake()) {
        next = (index + 1) % n;
        return c;
      }
    }
    return null;
  }

  boolean idle() {
    return ready.isEmpty() && inFlight == 0 && consumers.isEmpty() && waiters.isEmpty();
  }
}
