package dev.workq.server.internal.core;

import dev.workq.protocol.DeleteQueue;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One named queue: its ready items in FIFO order, its consumers and waiting fetches, its dead
 * letters, the bytes its items hold, its closed mark, and its counters. Owned by the core thread.
 */
final class QueueState {

  final String name;
  final ReadyItems ready = new ReadyItems();
  final QueueConsumers consumers = new QueueConsumers();
  final ArrayDeque<FetchWaiter> waiters = new ArrayDeque<>();
  /** QUEUE_JOINs waiting for the queue to have no unfinished task. */
  final ArrayDeque<JoinWaiter> joiners = new ArrayDeque<>();
  /** Dead letters by seq, oldest first. */
  final Map<Long, Item> dead = new LinkedHashMap<>();
  /** The connection whose request created the queue, while it is open; counted against its queue cap. */
  Session creator;
  /** Puts written to the journal but not yet durable: they count toward the max length. */
  int pendingPuts;
  /** Bytes held by the queue's items wherever they are (ready, in flight, delayed, dead, not yet durable). */
  long bytes;
  /** Deliveries held and not yet settled, STOPs apart (they have no lease: {@link #heldStops}). */
  long inFlight;
  /** The TASK deliveries among {@link #inFlight}: what a join or a close waits for. */
  long inFlightTasks;
  /** STOPs delivered and not yet acked: pending, like the ready ones. */
  long heldStops;
  long delayed;
  long delivered;
  long completed;
  long failed;
  long redelivered;
  long leaseExpired;
  /** Paused from the HTTP API: items are accepted but not delivered. Not journaled. */
  boolean paused;
  /** Closed (QUEUE_CLOSE, journaled): puts of tasks and values are refused until the queue is deleted. */
  boolean closed;

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

  /** Whether consumers, waiting fetches or held deliveries (STOPs too) use the queue. */
  boolean inUse() {
    return !consumers.isEmpty() || !waiters.isEmpty() || inFlight > 0 || heldStops > 0;
  }

  /**
   * Why {@code request} may not delete this queue, or null if it may: never while puts are not
   * yet durable; while it is in use ({@link #inUse}) or holds items, only when forced.
   */
  ErrorReply refuseDeletion(DeleteQueue request) {
    if (pendingPuts > 0) {
      return new ErrorReply(request.corr(), ErrorCode.QUEUE_IN_USE, "queue '" + name + "' has " + pendingPuts
          + " puts being written to the journal; try again in a moment", false);
    }
    if (inUse() && !request.force()) {
      return new ErrorReply(request.corr(), ErrorCode.QUEUE_IN_USE, "queue '" + name + "' is in use: " + consumers.size()
          + " consumers, " + waiters.size() + " waiting fetches, " + (inFlight + heldStops)
          + " items in flight; stop its workers first, or delete with force to end them", false);
    }
    if (ready.size() + delayed + dead.size() > 0 && !request.force()) {
      return new ErrorReply(request.corr(), ErrorCode.QUEUE_NOT_EMPTY, "queue '" + name + "' holds " + ready.size()
          + " ready, " + delayed + " delayed and " + dead.size() + " dead items; delete with force to delete them too", false);
    }
    return null;
  }

  /** Nothing uses or fills the queue, and it is not closed (a closed mark lasts until a deletion). */
  boolean idle() {
    return ready.isEmpty() && inFlight == 0 && heldStops == 0 && delayed == 0 && pendingPuts == 0 && dead.isEmpty()
        && consumers.isEmpty() && waiters.isEmpty() && !closed;
  }

  /** A handler set no task names: every ready task is one that set does not cover. */
  private static final Collection<Set<String>> NO_HANDLER = Collections.singletonList(Collections.emptySet());

  /** Ready TASK items (not STOPs, values or results), without a scan: linear in handlers. */
  long readyTasks() {
    return ready.waitingForHandler(NO_HANDLER);
  }

  /**
   * Tasks not finished: ready, delayed (a delayed put or a retry backoff), running, or put and
   * not yet durable. STOPs and values do not count. What QUEUE_JOIN waits for and a closed queue
   * drains.
   */
  long unfinished() {
    return readyTasks() + delayed + inFlightTasks + pendingPuts;
  }
}
