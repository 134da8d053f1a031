package dev.workq.server.internal.core;

import dev.workq.protocol.DeleteQueue;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.FetchEmpty;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Message;
import dev.workq.protocol.Payload;
import dev.workq.protocol.PeekedItem;
import dev.workq.protocol.QueueClose;
import dev.workq.protocol.QueueCloseOk;
import dev.workq.protocol.QueueJoin;
import dev.workq.protocol.QueueJoinOk;
import dev.workq.protocol.QueuePeek;
import dev.workq.protocol.QueuePeekOk;
import dev.workq.protocol.QueuePurge;
import dev.workq.protocol.QueuePurgeOk;
import dev.workq.protocol.TaskState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an operator does to a whole queue: purge its waiting items, peek at them, close it (no
 * new tasks; once drained each of its workers gets a STOP the broker makes), join it (wait until
 * no task is unfinished) and delete it, by force also while consumers use it. It watches closed
 * and joined queues: after each dispatch of one ({@link Dispatcher#onDispatched}) and on each
 * tick, as a safety net for changes that dispatch nothing; the joins themselves are
 * held by {@link QueueJoins}. None of these requests creates a
 * queue: an unknown name is UNKNOWN_QUEUE, so a typo changes nothing. Core thread only.
 */
final class QueueOps {

  /** The core's log lines keep the core's logger, so a log configuration naming it still applies. */
  private static final Logger log = LoggerFactory.getLogger(BrokerCore.class);

  private final Queues queues;
  private final Dispatcher dispatcher;
  private final Sessions sessions;
  private final RetryHeap retries;
  private final Budgets budgets;
  private final Persistence persistence;
  private final CoreThread thread;
  private final QueueJoins joins;
  /** Closed queues not yet drained and queues with joins: what {@link #tick} looks at. */
  private final Set<QueueState> watched = new LinkedHashSet<>();
  /** Seqs of the STOPs the broker makes: negative, so no journal seq is ever one of them. */
  private long nextStopSeq = -1;

  QueueOps(Queues queues, Dispatcher dispatcher, Sessions sessions, RetryHeap retries, Budgets budgets,
      Persistence persistence, CoreClock clock, CoreThread thread, Waits waits) {
    this.queues = queues;
    this.dispatcher = dispatcher;
    this.sessions = sessions;
    this.retries = retries;
    this.budgets = budgets;
    this.persistence = persistence;
    this.thread = thread;
    this.joins = new QueueJoins(waits, clock);
  }

  /** Whether {@code item} is a STOP the broker made (for a closed queue or a forced deletion): never journaled. */
  static boolean brokerMade(Item item) {
    return item.seq < 0;
  }

  private static ErrorReply unknown(String queue, long corr) {
    return new ErrorReply(corr, ErrorCode.UNKNOWN_QUEUE, "no queue named '" + queue + "'", false);
  }

  /** The refusal of a task or value put on closed queue {@code q}. */
  static ErrorReply closedError(QueueState q, long corr) {
    return new ErrorReply(corr, ErrorCode.QUEUE_CLOSED, "queue '" + q.name
        + "' is closed: it takes no new tasks (delete it to use the name again)", false);
  }

  // ---- purge ----

  void purge(Session s, QueuePurge p) {
    QueueState q = queues.get(p.queue());
    if (q == null) {
      s.send(unknown(p.queue(), p.corr()));
      return;
    }
    List<Item> ready = q.ready.removeIf(i -> true);
    long stops = ready.stream().filter(i -> i.kind == ItemKind.STOP).count();
    List<Item> delayed = new ArrayList<>();
    retries.removeQueue(q.name, delayed);
    q.delayed -= delayed.size();
    List<Item> dead = new ArrayList<>();
    if (p.deadLetters()) {
      dead.addAll(q.dead.values());
      q.dead.clear();
    }
    for (List<Item> gone : List.of(ready, delayed, dead)) {
      for (Item i : gone) {
        budgets.refund(q, i);
        persistence.appendQuietly(JournalRecords.remove(i.seq));
      }
    }
    log.info("queue '{}' purged: {} ready, {} delayed, {} STOPs, {} dead letters", q.name, ready.size() - stops,
        delayed.size(), stops, dead.size());
    s.send(new QueuePurgeOk(p.corr(), q.name, ready.size() - stops, delayed.size(), stops, dead.size()));
    settled(q);
    queues.collectIfIdle(q);
  }

  // ---- peek ----

  void peek(Session s, QueuePeek p) {
    QueueState q = queues.get(p.queue());
    if (q == null) {
      s.send(unknown(p.queue(), p.corr()));
      return;
    }
    List<PeekedItem> items = new ArrayList<>();
    for (Item i : q.ready.first(p.limit())) {
      items.add(peeked(i, TaskState.READY, null));
    }
    if (items.size() < p.limit() && q.delayed > 0) {
      List<Item> later = new ArrayList<>();
      retries.forEach(i -> {
        if (i.queue.equals(q.name)) {
          later.add(i);
        }
      });
      later.sort(Comparator.comparingLong((Item i) -> i.notBefore).thenComparingLong(i -> i.seq));
      for (Item i : later.subList(0, Math.min(later.size(), p.limit() - items.size()))) {
        items.add(peeked(i, i.attempts > 0 ? TaskState.RETRYING : TaskState.DELAYED, i.notBefore));
      }
    }
    s.send(new QueuePeekOk(p.corr(), q.name, q.ready.size(), q.delayed, items));
  }

  private static PeekedItem peeked(Item i, TaskState state, Long notBefore) {
    return new PeekedItem(i.id, i.kind, i.handler, i.priority, state, i.attempts, notBefore, i.payload.length(), preview(i.payload));
  }

  /**
   * The payload's first {@link PeekedItem#PREVIEW_BYTES} bytes as text. The cut never splits a
   * UTF-8 character: one that would not fit is left out whole. Bytes that are not UTF-8 read as
   * U+FFFD.
   */
  static String preview(Payload payload) {
    byte[] bytes = payload.bytes();
    int cut = Math.min(bytes.length, PeekedItem.PREVIEW_BYTES);
    if (cut < bytes.length) {
      // Look back over at most three continuation bytes for the lead byte of the last character.
      for (int i = cut - 1; i >= Math.max(0, cut - 4); i--) {
        int b = bytes[i] & 0xff;
        if (b < 0x80) {
          break;
        }
        if (b >= 0xc0) {
          int length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
          if (i + length > cut) {
            cut = i;
          }
          break;
        }
      }
    }
    return new String(bytes, 0, cut, StandardCharsets.UTF_8);
  }

  // ---- close ----

  /**
   * Closes the queue once the mark is durable: from then on puts of tasks and values are
   * refused, and once it drains its workers get their STOPs. Closing a closed queue changes
   * nothing.
   */
  void close(Session s, QueueClose c) {
    QueueState q = queues.get(c.queue());
    if (q == null) {
      s.send(unknown(c.queue(), c.corr()));
      return;
    }
    if (q.closed) {
      s.send(new QueueCloseOk(c.corr(), q.name, q.unfinished(), taskConsumers(q).size()));
      return;
    }
    persistence.append(JournalRecords.close(q.name, true), error -> thread.execute(() -> {
      if (!queues.holds(q)) {
        // Deleted while the mark was being written: the name is free, as the deletion says.
        persistence.appendQuietly(JournalRecords.close(q.name, false));
        s.send(unknown(c.queue(), c.corr()));
      } else if (error != null) {
        s.send(new ErrorReply(c.corr(), ErrorCode.STORAGE_ERROR, "the broker could not write the close of queue '" + q.name
            + "' to its journal (" + error.getMessage() + "); it was not closed", false));
      } else {
        q.closed = true;
        watched.add(q);
        long unfinished = q.unfinished();
        log.info("queue '{}' closed with {} unfinished tasks and {} workers", q.name, unfinished, taskConsumers(q).size());
        s.send(new QueueCloseOk(c.corr(), q.name, unfinished, taskConsumers(q).size()));
        settled(q);
      }
    }));
  }

  private static List<Consumer> taskConsumers(QueueState q) {
    List<Consumer> workers = new ArrayList<>();
    for (Consumer c : q.consumers.all()) {
      if (c.takesTasks()) {
        workers.add(c);
      }
    }
    return workers;
  }

  /**
   * {@code q} may have changed (after a dispatch, a purge, a tick): if it has no unfinished task
   * any more, its joins are answered and, if it is closed, each of its workers gets a STOP. Cheap
   * for a queue that is neither closed nor joined: the hot path calls it on every dispatch.
   */
  void settled(QueueState q) {
    if ((!q.closed && q.joiners.isEmpty()) || q.unfinished() > 0) {
      return;
    }
    if (q.closed) {
      for (Consumer c : taskConsumers(q)) {
        stop(c);
      }
    }
    joins.answerAll(q);
  }

  /** Ends consumer {@code c} with a STOP the broker makes: held without a lease until acked, never journaled. */
  private void stop(Consumer c) {
    long seq = nextStopSeq--;
    Item stop = new Item(seq, "stop" + seq, c.queue.name, ItemKind.STOP, null, null, 1, 0, Payload.EMPTY);
    // Charged like a put STOP, so that its ACK's refund balances.
    budgets.charge(c.queue, stop);
    dispatcher.deliverStop(c, stop);
  }

  /** Looks at every watched queue: a safety net for a task that finished without a dispatch. */
  void tick() {
    if (watched.isEmpty()) {
      return;
    }
    for (QueueState q : new ArrayList<>(watched)) {
      if (!queues.holds(q)) {
        watched.remove(q);
        continue;
      }
      settled(q);
      if (q.joiners.isEmpty() && (!q.closed || q.unfinished() == 0)) {
        watched.remove(q);
      }
    }
  }

  // ---- join ----

  void join(Session s, QueueJoin j) {
    QueueState q = queues.get(j.queue());
    if (q == null) {
      s.send(unknown(j.queue(), j.corr()));
      return;
    }
    long unfinished = q.unfinished();
    if (unfinished == 0 || j.timeoutMs() == 0) {
      s.send(new QueueJoinOk(j.corr(), q.name, unfinished == 0, unfinished));
      return;
    }
    if (joins.start(s, q, j)) {
      watched.add(q);
    }
  }

  /** {@code s} closed: its joins end unanswered. */
  void sessionClosed(Session s) {
    joins.sessionClosed(s);
  }

  // ---- delete ----

  /**
   * Deletes a queue, or answers why not ({@link QueueState#refuseDeletion}). Forced while in use,
   * it first ends what uses it: each consumer gets a STOP the broker makes (a worker finishes and
   * exits instead of waiting on a queue that is gone), waiting fetches get FETCH_EMPTY, and the
   * deliveries in flight are revoked from their holders as a cancel revokes one (journaled as
   * gone), so that their handlers stop, their slots are free and a later ACK or COMPLETE is
   * refused as stale and puts nothing back. Joins are answered: nothing is
   * unfinished any more.
   */
  Message delete(DeleteQueue request) {
    QueueState q = queues.get(request.queue());
    if (q == null) {
      return unknown(request.queue(), request.corr());
    }
    ErrorReply refused = q.refuseDeletion(request);
    if (refused != null) {
      return refused;
    }
    if (q.inUse()) {
      evict(q);
    }
    watched.remove(q);
    joins.answerAll(q);
    return queues.removeWithItems(q, request.corr());
  }

  private void evict(QueueState q) {
    // Revoked before the STOPs go out, so a worker learns its tasks are gone before it starts
    // to drain them: it does not hand back or wait for what it no longer holds.
    int taken = revokeInFlight(q);
    int consumers = q.consumers.size();
    List<Consumer> all = new ArrayList<>();
    q.consumers.all().forEach(all::add);
    for (Consumer c : all) {
      stop(c);
    }
    int fetches = 0;
    for (FetchWaiter w : q.waiters) {
      if (!w.done) {
        w.done = true;
        w.timeout.cancel();
        w.session.waiters.remove(w);
        w.session.send(new FetchEmpty(w.corr));
        fetches++;
      }
    }
    q.waiters.clear();
    log.info("queue '{}' deleted by force while in use: {} consumers stopped, {} fetches ended, {} deliveries in flight revoked",
        q.name, consumers, fetches, taken);
  }

  /** Revokes every delivery of {@code q} in flight (a STOP stays held, so its ACK is not refused); how many. */
  private int revokeInFlight(QueueState q) {
    int taken = 0;
    for (Session s : sessions.all()) {
      List<Delivery> held = new ArrayList<>();
      for (Delivery d : s.held.values()) {
        if (d.queue == q) {
          held.add(d);
        }
      }
      for (Delivery d : held) {
        if (d.item.kind == ItemKind.STOP) {
          // Stays held so that its ACK is not refused; gone from the journal with the queue.
          if (!brokerMade(d.item)) {
            persistence.appendQuietly(JournalRecords.remove(d.item.seq));
          }
          continue;
        }
        dispatcher.revoke(d);
        budgets.refund(q, d.item);
        persistence.appendQuietly(JournalRecords.remove(d.item.seq));
        taken++;
      }
    }
    return taken;
  }
}
