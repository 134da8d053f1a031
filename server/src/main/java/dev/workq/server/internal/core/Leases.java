package dev.workq.server.internal.core;

import dev.workq.protocol.Printable;
import dev.workq.protocol.Renew;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leases of deliveries: their renewals, their expiry (the task goes back to its queue, its
 * holder becomes a suspect) and the clearing of suspicion. The {@link LeaseHeap} it reads is the
 * one {@link Dispatcher} adds deliveries to and takes them out of. Core thread only.
 */
final class Leases {

  /** The core's log lines keep the core's logger, so a log configuration naming it still applies. */
  private static final Logger log = LoggerFactory.getLogger(BrokerCore.class);

  private final LeaseHeap heap;
  private final Dispatcher dispatcher;
  private final Failures failures;
  private final CoreClock clock;

  Leases(LeaseHeap heap, Dispatcher dispatcher, Failures failures, CoreClock clock) {
    this.heap = heap;
    this.dispatcher = dispatcher;
    this.failures = failures;
    this.clock = clock;
  }

  /** Pushes back the leases {@code r} names that {@code s} holds; tags it does not hold are ignored. */
  void renew(Session s, Renew r) {
    clearSuspicion(s);
    long now = clock.nanoTime();
    for (long tag : r.tags()) {
      Delivery d = s.held.get(tag);
      if (d != null) {
        d.renew(now);
        heap.changed(d);
      }
    }
  }

  /**
   * The session showed it is working after a lease expired: it renewed, completed, acked or
   * released a delivery (even one whose lease had expired: a late result comes from a peer that
   * works, if slowly). Its consumers may take deliveries again. Nothing else counts, a PING least
   * of all: a client's heartbeat thread pings by itself while the application above it is hung.
   */
  void clearSuspicion(Session session) {
    if (session.suspect) {
      session.suspect = false;
      dispatcher.rearm(session);
    }
  }

  /**
   * Every lease that ran out without renewal ends: its task goes back to the front of its queue
   * (or to the dead letters), and its holder is suspect, getting no deliveries until it shows it works.
   */
  void expireDue() {
    long now = clock.nanoTime();
    Delivery d;
    while ((d = heap.peek()) != null && d.expiresAt - now <= 0) {
      d.session.held.remove(d.tag);
      d.session.suspect = true;
      dispatcher.unhold(d);
      d.queue.leaseExpired++;
      log.info("lease of task {} on '{}' held by {} expired after {} ms without renewal; the task goes back to the queue",
          Printable.escape(d.item.id), d.queue.name, d.session, d.item.leaseMs);
      failures.lost(d, "lease expired after " + d.item.leaseMs + " ms without renewal");
      dispatcher.dispatch(d.queue);
    }
  }

  /** How many deliveries the heap tracks: always the number held by connections, apart from STOPs (no lease). */
  int tracked() {
    return heap.size();
  }
}
