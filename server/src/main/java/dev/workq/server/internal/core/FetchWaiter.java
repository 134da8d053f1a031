package dev.workq.server.internal.core;

/** A {@code FETCH} waiting for an item, until its timeout fires. Core thread only. */
final class FetchWaiter {

  final Session session;
  final QueueState queue;
  final long corr;
  /** Waits for a RESULT item only. */
  final boolean resultsOnly;
  CoreClock.Cancellable timeout;
  boolean done;

  FetchWaiter(Session session, QueueState queue, long corr, boolean resultsOnly) {
    this.session = session;
    this.queue = queue;
    this.corr = corr;
    this.resultsOnly = resultsOnly;
  }
}
