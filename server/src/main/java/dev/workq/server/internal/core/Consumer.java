package dev.workq.server.internal.core;

import java.util.Set;

/**
 * A subscription of one connection to one queue, with its prefetch credit and where it stands in
 * its queue's {@link QueueConsumers}. Core thread only.
 */
final class Consumer {

  /** Where a consumer is in its queue's dispatch index. */
  enum Standing {
    /** Has credit and may find something to take: in the round robin. */
    ARMED,
    /** Has credit, but nothing ready is for its handlers: waits to be woken by such an item. */
    STARVING,
    /** Cannot take now (no credit, connection unwritable or suspect): re-armed by the event that changes that. */
    IDLE
  }

  final long id;
  final Session session;
  final QueueState queue;
  final int prefetch;
  /** The handlers this consumer runs, shared with the session's other consumers; null takes every item. */
  final Set<String> handlers;
  /** Takes RESULT items only (a results consumer on a done queue); its {@link #handlers} are empty. */
  final boolean resultsOnly;
  int held;
  boolean cancelled;
  Standing standing = Standing.IDLE;

  Consumer(long id, Session session, QueueState queue, int prefetch, Set<String> handlers) {
    this(id, session, queue, prefetch, handlers, false);
  }

  Consumer(long id, Session session, QueueState queue, int prefetch, Set<String> handlers, boolean resultsOnly) {
    this.id = id;
    this.session = session;
    this.queue = queue;
    this.prefetch = prefetch;
    this.handlers = resultsOnly ? Set.of() : handlers;
    this.resultsOnly = resultsOnly;
  }

  /** A worker's consumer of tasks: what a closed queue's drain and a forced deletion send a STOP. */
  boolean takesTasks() {
    return session.isWorker() && !resultsOnly;
  }

  boolean canTake() {
    return !cancelled && held < prefetch && session.writable && !session.suspect
        && session.held.size() < session.maxUnacked;
  }
}
