package dev.workq.server.internal.core;

import dev.workq.protocol.DeleteQueue;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One named queue: its ready items in FIFO order, its consumers and waiting fetches, its dead
 * letters, the bytes its items hold, and its counters. Owned by the core thread.
 */
final class QueueState {

  final String name;
  final ReadyItems ready = new ReadyItems();
  final QueueConsumers consumers = new QueueConsumers();
  final ArrayDeque<FetchWaiter> waiters = new ArrayDeque<>();
  /** Dead letters by seq, oldest first. */
  final Map<Long, Item> dead = new LinkedHashMap<>();
  /** The connection whose request created the queue, while it is open; counted against its queue cap. */
  Session creator;
  /** Puts written to the journal but not yet durable: they count toward the max length. */
  int pendingPuts;
  /** Bytes held by the queue's items wherever they are (ready, in flight, delayed, dead, not yet durable). */
  long bytes;
  long inFlight;
  long delayed;
  long delivered;
  long completed;
  long failed;
  long redelivered;
  long leaseExpired;
  /** Paused from the HTTP API: items are accepted but not delivered. Not journaled. */
  boolean paused;

  QueueState(String name) {
    this.name = name;
  }

  /** Makes {@code item} ready behind the others, waking a consumer that waits for its kind. */
  void offerLast(Item item) {
    ready.addLast(item);
    consumers.wake(item);
  }

  /** Makes {@code item} ready in front of the others (it was handed back), waking a consumer for it. */
  void offerFirst(Item item) {
    ready.addFirst(item);
    consumers.wake(item);
  }

  /**
   * Why {@code request} may not delete this queue, or null if it may: never while it has
   * consumers, waiting fetches, items in flight or puts not yet durable; while it holds items,
   * only when forced.
   */
  ErrorReply refuseDeletion(DeleteQueue request) {
    if (!consumers.isEmpty() || !waiters.isEmpty() || inFlight > 0 || pendingPuts > 0) {
      return new ErrorReply(request.corr(), ErrorCode.QUEUE_IN_USE, "queue '" + name + "' is in use: " + consumers.size()
          + " consumers, " + waiters.size() + " waiting fetches, " + inFlight + " items in flight; stop its workers first", false);
    }
    if (ready.size() + delayed + dead.size() > 0 && !request.force()) {
      return new ErrorReply(request.corr(), ErrorCode.QUEUE_NOT_EMPTY, "queue '" + name + "' holds " + ready.size()
          + " ready, " + delayed + " delayed and " + dead.size() + " dead items; delete with force to delete them too", false);
    }
    return null;
  }

  boolean idle() {
    return ready.isEmpty() && inFlight == 0 && delayed == 0 && pendingPuts == 0 && dead.isEmpty()
        && consumers.isEmpty() && waiters.isEmpty();
  }
}
