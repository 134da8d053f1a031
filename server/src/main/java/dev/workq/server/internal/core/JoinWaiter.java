package dev.workq.server.internal.core;

/** A {@code QUEUE_JOIN} waiting for its queue to have no unfinished task, until its timeout fires. Core thread only. */
final class JoinWaiter {

  final Session session;
  final QueueState queue;
  final long corr;
  CoreClock.Cancellable timeout;
  boolean done;

  JoinWaiter(Session session, QueueState queue, long corr) {
    this.session = session;
    this.queue = queue;
    this.corr = corr;
  }
}
