package dev.workq.server.internal.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One named queue: its ready items in FIFO order, its consumers and waiting fetches, its dead
 * letters and its counters. Owned by the core thread.
 */
final class QueueState {

  final String name;
  final ReadyItems ready = new ReadyItems();
  final List<Consumer> consumers = new ArrayList<>();
  final ArrayDeque<FetchWaiter> waiters = new ArrayDeque<>();
  /** Dead letters by seq, oldest first. */
  final Map<Long, Item> dead = new LinkedHashMap<>();
  /** Puts written to the journal but not yet durable: they count toward the max length. */
  int pendingPuts;
  long inFlight;
  long delayed;
  long delivered;
  long completed;
  long failed;
  long redelivered;
  long leaseExpired;
  /** Paused from the HTTP API: items are accepted but not delivered. Not journaled. */
  boolean paused;
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
    return ready.isEmpty() && inFlight == 0 && delayed == 0 && pendingPuts == 0 && dead.isEmpty()
        && consumers.isEmpty() && waiters.isEmpty();
  }
}
