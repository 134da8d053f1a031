package dev.workq.server.internal.core;

import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connected sessions: their arrival, their departure (what a closed connection held goes back
 * to the front of its queues, in its original order) and the broker's shutdown notice. Core
 * thread only.
 */
final class Sessions {

  /** The core's log lines keep the core's logger, so a log configuration naming it still applies. */
  private static final Logger log = LoggerFactory.getLogger(BrokerCore.class);

  private final Set<Session> open = new LinkedHashSet<>();
  private final Queues queues;
  private final Dispatcher dispatcher;
  private final Failures failures;
  /**
   * Set once the broker announces its shutdown: connections closing after that have not failed,
   * so what they hold is not counted against the tasks. It stays as the journal has it: ready.
   */
  private boolean shuttingDown;

  Sessions(Queues queues, Dispatcher dispatcher, Failures failures) {
    this.queues = queues;
    this.dispatcher = dispatcher;
    this.failures = failures;
  }

  Collection<Session> all() {
    return open;
  }

  /** Registers a session that completed its handshake; turned away at once during a shutdown. */
  void open(Session session) {
    open.add(session);
    log.debug("{} connected", session);
    if (shuttingDown) {
      session.send(shutdownNotice());
      session.closeAfterSent();
    }
  }

  /** Tells every connected peer the broker is going away, and closes each once told. */
  void announceShutdown() {
    shuttingDown = true;
    for (Session s : open) {
      s.send(shutdownNotice());
      s.closeAfterSent();
    }
  }

  private static ErrorReply shutdownNotice() {
    return new ErrorReply(0, ErrorCode.SHUTTING_DOWN, "the broker is shutting down", true);
  }

  /** The connection closed: its consumers and fetches end, and everything it held goes back. */
  void close(Session s) {
    if (s.closed || !open.remove(s)) {
      s.closed = true;
      return;
    }
    s.closed = true;
    if (shuttingDown) {
      return;
    }
    // Only the queues this connection touched need another look: with many queues, a closing
    // connection must not cost a pass over all of them.
    Set<QueueState> touched = new LinkedHashSet<>();
    for (Consumer c : s.consumers.values()) {
      dispatcher.detach(c);
      touched.add(c.queue);
    }
    s.consumers.clear();
    for (FetchWaiter w : s.waiters) {
      w.done = true;
      w.timeout.cancel();
      touched.add(w.queue);
    }
    s.waiters.clear();
    // Held items go back to the front of their queues in their original order: return them
    // newest first, each to the front.
    List<Delivery> held = new ArrayList<>(s.held.values());
    s.held.clear();
    held.sort(Comparator.comparingLong((Delivery d) -> d.item.seq).reversed());
    for (Delivery d : held) {
      dispatcher.unhold(d);
      failures.lost(d, "worker connection lost");
      touched.add(d.queue);
    }
    if (!held.isEmpty()) {
      log.info("{} disconnected holding {} items: returned to their queues", s, held.size());
    }
    for (QueueState q : touched) {
      q.waiters.removeIf(w -> w.done);
      if (queues.holds(q)) {
        dispatcher.dispatch(q);
        queues.collectIfIdle(q);
      }
    }
    log.debug("{} disconnected", s);
  }
}
