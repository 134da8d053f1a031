package dev.workq.server.internal.core;

import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.ItemKind;
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
 * to the front of its queues, in its original order, STOPs it had not acked too; its waits end)
 * and the broker's shutdown notice. Core thread only.
 */
final class Sessions {

  /** The core's log lines keep the core's logger, so a log configuration naming it still applies. */
  private static final Logger log = LoggerFactory.getLogger(BrokerCore.class);

  private final Set<Session> open = new LinkedHashSet<>();
  private final Queues queues;
  private final Dispatcher dispatcher;
  private final Failures failures;
  private final Budgets budgets;
  private java.util.function.Consumer<Session> closing = s -> { };
  /**
   * Set once the broker announces its shutdown: connections closing after that have not failed,
   * so what they hold is not counted against the tasks. It stays as the journal has it: ready.
   */
  private boolean shuttingDown;

  Sessions(Queues queues, Dispatcher dispatcher, Failures failures, Budgets budgets) {
    this.queues = queues;
    this.dispatcher = dispatcher;
    this.failures = failures;
    this.budgets = budgets;
  }

  /** Called with each session that closes, before what it held goes back: its waits end there. */
  void onClose(java.util.function.Consumer<Session> listener) {
    this.closing = listener;
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
    closing.accept(s);
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
      if (d.item.kind == ItemKind.STOP) {
        returnStop(d);
      } else {
        failures.lost(d, "worker connection lost");
      }
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

  /**
   * A STOP its holder did not ack goes back to the front of its queue, for the next worker: it
   * was never journaled as gone. One the broker made (a closed queue's) and one of a queue
   * deleted meanwhile are dropped instead: the closed queue makes a new one for the next worker.
   */
  private void returnStop(Delivery d) {
    if (QueueOps.brokerMade(d.item) || !queues.holds(d.queue)) {
      budgets.refund(d.queue, d.item);
      return;
    }
    d.queue.redelivered++;
    d.queue.offerFirst(d.item);
  }
}
