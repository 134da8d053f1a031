package dev.workq.server.internal.core;

import dev.workq.protocol.DeleteQueueOk;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.QueueNames;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's queues by name: creating one within the queue budgets, restoring the items and
 * closed marks a journal replay found, collecting reply queues nobody uses any more, and
 * deleting a queue with its items. Core thread only.
 */
final class Queues {

  /** The core's log lines keep the core's logger, so a log configuration naming it still applies. */
  private static final Logger log = LoggerFactory.getLogger(BrokerCore.class);

  private final Map<String, QueueState> byName = new HashMap<>();
  private final Budgets budgets;
  private final Persistence persistence;
  private final RetryHeap retries;

  Queues(Budgets budgets, Persistence persistence, RetryHeap retries) {
    this.budgets = budgets;
    this.persistence = persistence;
    this.retries = retries;
  }

  /** The queue named {@code name}, or null. */
  QueueState get(String name) {
    return byName.get(name);
  }

  /** The queue named {@code name}, created if needed without a budget check (the broker's own items). */
  QueueState queue(String name) {
    return byName.computeIfAbsent(name, QueueState::new);
  }

  /**
   * The queue named {@code name} for a request of {@code s}, created if needed, or null (after
   * answering QUEUE_LIMIT) if creating it would pass the broker's or the connection's queue cap.
   */
  QueueState queueFor(Session s, String name, long corr) {
    QueueState q = byName.get(name);
    if (q != null) {
      return q;
    }
    ErrorReply refused = budgets.refuseQueue(s, byName.size(), name, corr);
    if (refused != null) {
      s.send(refused);
      return null;
    }
    q = queue(name);
    q.creator = s;
    s.queuesCreated++;
    return q;
  }

  /** Whether {@code q} is still the broker's queue of its name (not removed meanwhile). */
  boolean holds(QueueState q) {
    return byName.get(q.name) == q;
  }

  Collection<QueueState> all() {
    return byName.values();
  }

  int size() {
    return byName.size();
  }

  /** Names of the paused queues. */
  Set<String> paused() {
    return byName.values().stream().filter(q -> q.paused).map(q -> q.name).collect(Collectors.toSet());
  }

  /** Marks queue {@code name}, which the journal replay found closed, closed again (created if it held nothing). */
  void restoreClosed(String name) {
    queue(name).closed = true;
  }

  /** Puts an item the journal replay found back where it was: ready, delayed or dead. */
  void restore(Item item) {
    QueueState q = queue(item.queue);
    budgets.charge(q, item);
    if (item.state == Item.State.DEAD) {
      q.dead.put(item.seq, item);
    } else if (item.notBefore > 0) {
      retries.add(item);
      q.delayed++;
    } else {
      q.offerLast(item);
    }
  }

  /** A reply queue that nothing uses any more goes: clients make one per run. */
  void collectIfIdle(QueueState q) {
    if (QueueNames.isReplyQueue(q.name) && q.idle()) {
      remove(q);
    }
  }

  /** A request that would have created {@code q} was refused: drop it again if nothing else uses it. */
  void dropIfUnused(QueueState q) {
    if (q.idle() && q.delivered == 0 && q.completed == 0) {
      remove(q);
    }
  }

  /**
   * Deletes {@code q} with its ready, delayed and dead items (journaled; the caller checked it
   * may, and ended whatever used it) and its closed mark, so the name is free again.
   */
  DeleteQueueOk removeWithItems(QueueState q, long corr) {
    List<Item> doomed = new ArrayList<>(q.ready.removeIf(i -> true));
    doomed.addAll(q.dead.values());
    q.dead.clear();
    retries.removeQueue(q.name, doomed);
    for (Item i : doomed) {
      budgets.refund(q, i);
      persistence.appendQuietly(JournalRecords.remove(i.seq));
    }
    if (q.closed) {
      persistence.appendQuietly(JournalRecords.close(q.name, false));
    }
    remove(q);
    log.info("queue '{}' deleted with {} items", q.name, doomed.size());
    return new DeleteQueueOk(corr, q.name, doomed.size());
  }

  private void remove(QueueState q) {
    if (byName.remove(q.name, q) && q.creator != null) {
      q.creator.queuesCreated--;
      q.creator = null;
    }
  }
}
