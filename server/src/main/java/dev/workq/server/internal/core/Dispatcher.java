package dev.workq.server.internal.core;

import dev.workq.protocol.Cancel;
import dev.workq.protocol.CancelOk;
import dev.workq.protocol.Consume;
import dev.workq.protocol.ConsumeOk;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.Fetch;
import dev.workq.protocol.FetchEmpty;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.QueueNames;
import dev.workq.protocol.Revoke;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who gets which ready item: consumers (their prefetch credit, their handlers, round robin
 * between them, results-only ones only results) and waiting fetches; a delivery's start (its tag
 * and lease) and the end of its hold on its consumer's credit. It adds deliveries to the
 * {@link LeaseHeap} and takes them out again; what happens when a lease runs out is
 * {@link Leases}'s business. A STOP is held like any delivery, but without a lease: it waits for
 * its ACK however long its worker takes to finish. After each dispatch the queue's watcher
 * ({@link #onDispatched}: a closed queue's drain, joins) has a look. Core thread only.
 */
final class Dispatcher {

  /** The core's log lines keep the core's logger, so a log configuration naming it still applies. */
  private static final Logger log = LoggerFactory.getLogger(BrokerCore.class);

  private final Queues queues;
  private final LeaseHeap leases;
  private final Budgets budgets;
  private final Persistence persistence;
  private final CoreClock clock;
  private final CoreThread thread;
  private long nextTag;
  private long nextConsumer = 1;
  private java.util.function.Consumer<QueueState> dispatched = q -> { };

  /** @param firstTag the first delivery tag of this broker run (tags carry the run's epoch) */
  Dispatcher(long firstTag, Queues queues, LeaseHeap leases, Budgets budgets, Persistence persistence, CoreClock clock,
      CoreThread thread) {
    this.nextTag = firstTag;
    this.queues = queues;
    this.leases = leases;
    this.budgets = budgets;
    this.persistence = persistence;
    this.clock = clock;
    this.thread = thread;
  }

  /** Called with each queue at the end of its dispatch, when what it holds may have changed. */
  void onDispatched(java.util.function.Consumer<QueueState> watcher) {
    this.dispatched = watcher;
  }

  void consume(Session s, Consume c) {
    ErrorReply refused = budgets.refuseConsumer(s, c.corr());
    if (refused == null && c.resultsOnly()) {
      refused = refuseResultsOnly(c.queue(), c.corr());
    }
    if (refused != null) {
      s.send(refused);
      return;
    }
    Set<String> handlers = null;
    if (s.isWorker() && !c.resultsOnly()) {
      handlers = s.handlerSet(c.handlers() != null ? c.handlers() : s.hello().handlers());
      if (handlers == null) {
        s.send(new ErrorReply(c.corr(), ErrorCode.INVALID_REQUEST, "this connection offers too many handlers: at most "
            + Session.MAX_HANDLERS + " names in at most " + Session.MAX_HANDLER_SETS + " different lists", false));
        return;
      }
    }
    QueueState q = queues.queueFor(s, c.queue(), c.corr());
    if (q == null) {
      return;
    }
    Consumer consumer = new Consumer(nextConsumer++, s, q, c.prefetch(), handlers, c.resultsOnly());
    s.consumers.put(consumer.id, consumer);
    budgets.consumerAdded();
    q.consumers.add(consumer);
    s.send(new ConsumeOk(c.corr(), consumer.id));
    dispatch(q);
  }

  void cancel(Session s, Cancel c) {
    Consumer consumer = s.consumers.remove(c.consumer());
    if (consumer == null) {
      s.send(new ErrorReply(c.corr(), ErrorCode.UNKNOWN_CONSUMER, "no consumer " + c.consumer() + " on this connection", false));
      return;
    }
    detach(consumer);
    queues.collectIfIdle(consumer.queue);
    s.send(new CancelOk(c.corr()));
  }

  void fetch(Session s, Fetch f) {
    if (s.held.size() + s.waiters.size() >= s.maxUnacked) {
      s.send(new ErrorReply(f.corr(), ErrorCode.UNACKED_LIMIT, "this connection holds " + s.held.size() + " unacked deliveries and "
          + s.waiters.size() + " waiting fetches (max-unacked " + s.maxUnacked + "); ack or complete some first", false));
      return;
    }
    if (f.resultsOnly()) {
      ErrorReply refused = refuseResultsOnly(f.queue(), f.corr());
      if (refused != null) {
        s.send(refused);
        return;
      }
    }
    QueueState q = queues.queueFor(s, f.queue(), f.corr());
    if (q == null) {
      return;
    }
    // Fetches ahead of this one wait only while nothing they take is ready: this one may find
    // something of its own sort (a plain fetch behind results-only ones).
    Item now = q.paused ? null : take(q, null, f.resultsOnly());
    if (now != null) {
      deliver(s, null, f.corr(), q, now);
      return;
    }
    FetchWaiter w = new FetchWaiter(s, q, f.corr(), f.resultsOnly());
    q.waiters.addLast(w);
    s.waiters.add(w);
    w.timeout = clock.schedule(() -> {
      if (!w.done) {
        w.done = true;
        q.waiters.remove(w);
        s.waiters.remove(w);
        s.send(new FetchEmpty(f.corr()));
        queues.collectIfIdle(q);
      }
    }, f.timeoutMs());
  }

  /** Pauses or resumes deliveries from queue {@code name}; false if there is no such queue. */
  boolean setPaused(String name, boolean paused) {
    QueueState q = queues.get(name);
    if (q == null) {
      return false;
    }
    q.paused = paused;
    log.info("queue '{}' {}", name, paused ? "paused" : "resumed");
    if (!paused) {
      dispatch(q);
    }
    return true;
  }

  /**
   * Hands ready items to waiting fetches first, then round robin to consumers with credit, each
   * getting the oldest item it can run: a worker only gets tasks for handlers it offers, so a task
   * nobody can run waits for a worker that can instead of failing.
   */
  void dispatch(QueueState q) {
    if (!q.waiters.isEmpty() && !q.paused) {
      serveWaiters(q);
    }
    while (!q.ready.isEmpty() && !q.paused) {
      Consumer c = q.consumers.next();
      if (c == null) {
        break;
      }
      if (!c.canTake()) {
        continue;
      }
      Item item = take(q, c.handlers, c.resultsOnly);
      if (item == null) {
        q.consumers.starve(c);
        continue;
      }
      deliver(c.session, c, 0, q, item);
      if (!c.cancelled) {
        q.consumers.requeue(c);
      }
    }
    dispatched.accept(q);
  }

  /** Hands ready items to the waiting fetches in their order; a results-only one is passed over until a result is ready. */
  private void serveWaiters(QueueState q) {
    for (java.util.Iterator<FetchWaiter> it = q.waiters.iterator(); it.hasNext() && !q.ready.isEmpty(); ) {
      FetchWaiter w = it.next();
      if (w.done) {
        it.remove();
        continue;
      }
      Item item = take(q, null, w.resultsOnly);
      if (item == null) {
        continue;
      }
      it.remove();
      w.done = true;
      w.timeout.cancel();
      w.session.waiters.remove(w);
      deliver(w.session, null, w.corr, q, item);
    }
  }

  /**
   * The oldest ready item for {@code handlers} ({@link ReadyItems#pollFor}), or for a
   * results-only taker the oldest RESULT, taken out; null if there is none.
   */
  private static Item take(QueueState q, Set<String> handlers, boolean resultsOnly) {
    if (!resultsOnly) {
      return q.ready.pollFor(handlers);
    }
    // An empty handler set takes no task: only STOPs, values and results, oldest first. Those
    // that are not results (rare on a done queue) are passed over and put back as they were.
    List<Item> passed = List.of();
    Item i;
    while ((i = q.ready.pollFor(Set.of())) != null && i.kind != ItemKind.RESULT) {
      if (passed.isEmpty()) {
        passed = new ArrayList<>();
      }
      passed.add(i);
    }
    for (int k = passed.size() - 1; k >= 0; k--) {
      q.ready.addFirst(passed.get(k));
    }
    return i;
  }

  /**
   * Why a results-only consumer or fetch may not take from queue {@code name}, or null: it holds
   * tasks (ready, delayed or running) or a worker takes tasks from it, so it is a task queue and
   * its items are not results. A queue that does not exist is fine: results may come later.
   */
  ErrorReply refuseResultsOnly(String name, long corr) {
    QueueState q = queues.get(name);
    if (q == null || !holdsTasks(q)) {
      return null;
    }
    String suggestion = null;
    try {
      String done = QueueNames.doneQueueOf(name);
      if (queues.get(done) != null || !name.endsWith(QueueNames.DONE_SUFFIX)) {
        suggestion = done;
      }
    } catch (IllegalArgumentException e) {
      // A name too long for a done queue of its own: no suggestion.
    }
    return new ErrorReply(corr, ErrorCode.NOT_A_RESULT_QUEUE, "'" + name + "' holds tasks, not results"
        + (suggestion == null ? "" : "; did you mean '" + suggestion + "'?"), false);
  }

  private static boolean holdsTasks(QueueState q) {
    if (q.readyTasks() > 0 || q.delayed > 0 || q.inFlightTasks > 0) {
      return true;
    }
    for (Consumer c : q.consumers.all()) {
      if (c.takesTasks()) {
        return true;
      }
    }
    return false;
  }

  private void deliver(Session s, Consumer c, long corr, QueueState q, Item item) {
    item.attempts++;
    long tag = nextTag++;
    q.delivered++;
    boolean stop = item.kind == ItemKind.STOP;
    s.send(new Deliver(corr, c == null ? 0 : c.id, tag, q.name, item.kind, item.id, item.handler, item.replyTo,
        item.attempts, stop ? 0 : item.leaseMs, item.payload));
    if (stop) {
      // A STOP ends the consumer that took it: nothing after the sentinel reaches that worker,
      // just as multiprocessing's worker loop ends at STOP. For a peer that acks its STOPs it
      // stays held, with no lease, until the worker acks it on its way out; if the worker is lost
      // first, it goes back. A peer that never acks (an older worker, a plain client) consumes it
      // here, or every exit would hand its STOP on to the next worker.
      if (s.acksStops()) {
        s.held.put(tag, new Delivery(tag, item, q, null, s, clock.nanoTime()));
        q.heldStops++;
      } else {
        consumed(q, item);
      }
      if (c != null) {
        s.consumers.remove(c.id);
        detach(c);
        if (!s.acksStops()) {
          queues.collectIfIdle(q);
        }
      }
      return;
    }
    Delivery d = new Delivery(tag, item, q, c, s, clock.nanoTime());
    s.held.put(tag, d);
    leases.add(d);
    q.inFlight++;
    if (item.kind == ItemKind.TASK) {
      q.inFlightTasks++;
    }
    if (c != null) {
      c.held++;
    }
  }

  /** A STOP delivered to a peer that does not ack STOPs is gone: counted, refunded, journaled as removed. */
  private void consumed(QueueState q, Item stop) {
    q.completed++;
    budgets.refund(q, stop);
    if (!QueueOps.brokerMade(stop)) {
      persistence.appendQuietly(JournalRecords.remove(stop.seq));
    }
  }

  /** Hands the STOP {@code stop} to consumer {@code c} at once, credit or not: it ends {@code c}. */
  void deliverStop(Consumer c, Item stop) {
    deliver(c.session, c, 0, c.queue, stop);
  }

  /**
   * {@code d} is no longer held (settled, expired or its connection closed; the caller has taken
   * it out of its session): its lease ends and its consumer has the credit back.
   */
  void unhold(Delivery d) {
    if (d.item.kind == ItemKind.STOP) {
      d.queue.heldStops--;
    } else {
      leases.remove(d);
      d.queue.inFlight--;
      if (d.item.kind == ItemKind.TASK) {
        d.queue.inFlightTasks--;
      }
    }
    if (d.consumer != null) {
      d.consumer.held--;
      d.consumer.queue.consumers.arm(d.consumer);
    }
    Session s = d.session;
    if (!s.closed && s.held.size() == s.maxUnacked - 1) {
      // The connection was at its cap of unacked deliveries, which stalls its consumers of every
      // queue, not only this one: let each of them take again. Deferred, so that the request being
      // handled finishes first.
      thread.execute(() -> rearm(s));
    }
  }

  /**
   * Takes {@code d} back from its holder and tells it with a REVOKE (its task was cancelled, or
   * its queue deleted by force): its lease ends and its consumer's credit and connection's slot
   * are free at once; a later ACK, COMPLETE or RELEASE for it is refused as stale.
   */
  void revoke(Delivery d) {
    d.session.held.remove(d.tag);
    unhold(d);
    d.item.delivery = null;
    d.session.send(new Revoke(d.tag, d.item.id));
  }

  /** Something that kept every consumer of {@code session} from taking has passed: re-arm them and dispatch. */
  void rearm(Session session) {
    for (Consumer c : new ArrayList<>(session.consumers.values())) {
      c.queue.consumers.arm(c);
      dispatch(c.queue);
    }
  }

  /**
   * Takes {@code c} out of its queue's dispatch (the caller has taken it out of its session):
   * cancelled, or its connection closed. The caller decides whether its queue may be collected.
   */
  void detach(Consumer c) {
    c.cancelled = true;
    c.queue.consumers.remove(c);
    budgets.consumerRemoved();
  }
}
