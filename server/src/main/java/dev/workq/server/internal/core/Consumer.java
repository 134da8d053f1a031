package dev.workq.server.internal.core;

/** A subscription of one connection to one queue, with its prefetch credit. Core thread only. */
final class Consumer {

  final long id;
  final Session session;
  final QueueState queue;
  final int prefetch;
  /** The handlers this consumer runs; null takes every item (plain clients). */
  final java.util.Set<String> handlers;
  int held;
  boolean cancelled;

  Consumer(long id, Session session, QueueState queue, int prefetch) {
    this.id = id;
    this.session = session;
    this.queue = queue;
    this.prefetch = prefetch;
    this.handlers = session.isWorker() ? java.util.Set.copyOf(session.hello().handlers()) : null;
  }

  boolean canTake() {
    return !cancelled && held < prefetch && session.writable && !session.suspect
        && session.held.size() < session.maxUnacked;
  }
}
