package dev.workq.server.internal.core;

import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Payload;
import dev.workq.protocol.Put;
import dev.workq.protocol.PutOk;
import dev.workq.protocol.QueueNames;
import dev.workq.protocol.TaskState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What enters the queues: a client's put (checked, journaled, and made visible and confirmed only
 * once durable; with its priority, its delay, after which it becomes ready, and its
 * deduplication key) and the results the broker files for finished tasks. It numbers every item
 * the broker makes (seqs, also for retries and dead letters) and names tasks that came without an
 * id.
 *
 * <p>Deduplication: a put whose key is held on its queue (by an unfinished task, or a finished
 * one still retained) queues nothing and is answered with the holder's id; so does a task put
 * without a key whose own id names such a task. A put whose key is
 * held by a put not yet durable waits for that one and gets its answer (its id, or its error), so
 * that two puts of one key never both queue. Core thread only.
 */
final class Intake {

  private final CoreConfig config;
  private final Queues queues;
  private final Dispatcher dispatcher;
  private final Budgets budgets;
  private final Persistence persistence;
  private final CoreInbox confirmations;
  private final String idPrefix;
  /** Puts written to the journal and not yet durable, so a compaction in between covers them. */
  private final Map<Long, Item> pendingPuts = new HashMap<>();
  /** Puts answered by the put not yet durable that holds their key, by its dedup scope. */
  private final Map<String, List<Waiting>> waitingForKey = new HashMap<>();
  private final RetryHeap retries;
  private final TaskIndex tasks;
  private final CoreClock clock;
  private long nextSeq;
  private long nextId = 1;

  /**
   * @param firstSeq the first seq to hand out: above every seq the journal named
   * @param idPrefix starts the ids the broker gives tasks, so they differ between broker runs
   */
  /** A put waiting for the answer of the put that holds its key. */
  private record Waiting(Session session, long corr) {}

  Intake(long firstSeq, String idPrefix, CoreConfig config, Queues queues, Dispatcher dispatcher, Budgets budgets,
      Persistence persistence, CoreThread thread, RetryHeap retries, TaskIndex tasks, CoreClock clock) {
    this.retries = retries;
    this.tasks = tasks;
    this.clock = clock;
    this.nextSeq = firstSeq;
    this.idPrefix = idPrefix;
    this.config = config;
    this.queues = queues;
    this.dispatcher = dispatcher;
    this.budgets = budgets;
    this.persistence = persistence;
    this.confirmations = new CoreInbox(thread);
  }

  /** A seq no item of this journal has had. */
  long nextSeq() {
    return nextSeq++;
  }

  /** Items put and not yet durable. */
  Collection<Item> pending() {
    return pendingPuts.values();
  }

  void put(Session s, Put p) {
    if (p.kind() == ItemKind.UNKNOWN) {
      // A newer peer's kind: refused, not guessed at, and the connection stays up.
      s.send(new ErrorReply(p.corr(), ErrorCode.INVALID_REQUEST,
          "item kind not known to this broker: it takes TASK, STOP and DATA", false));
      return;
    }
    String replyTo = p.replyTo();
    if (p.kind() == ItemKind.TASK && replyTo == null) {
      try {
        replyTo = QueueNames.doneQueueOf(p.queue());
      } catch (IllegalArgumentException e) {
        s.send(new ErrorReply(p.corr(), ErrorCode.INVALID_REQUEST, e.getMessage() + "; name a replyTo", false));
        return;
      }
    }
    if (p.payload().length() > config.maxPayload()) {
      s.send(new ErrorReply(p.corr(), ErrorCode.INVALID_REQUEST,
          "payload of " + p.payload().length() + " bytes is over the limit of " + config.maxPayload() + " bytes", false));
      return;
    }
    QueueState q = queues.queueFor(s, p.queue(), p.corr());
    if (q == null) {
      return;
    }
    if (q.closed && p.kind() != ItemKind.STOP) {
      s.send(QueueOps.closedError(q, p.corr()));
      return;
    }
    if (p.key() != null && p.kind() != ItemKind.TASK) {
      s.send(new ErrorReply(p.corr(), ErrorCode.INVALID_REQUEST, "a deduplication key applies to TASK items only", false));
      queues.dropIfUnused(q);
      return;
    }
    String scope = dedupScope(p, q);
    if (scope != null && deduplicated(s, p, q, scope)) {
      return;
    }
    String id = p.id() != null ? p.id() : idPrefix + "-" + Long.toHexString(nextId++);
    int maxAttempts = p.maxAttempts() != null ? p.maxAttempts() : config.maxAttempts();
    long leaseMs = p.leaseMs() != null ? p.leaseMs() : config.leaseMs();
    Item item = new Item(nextSeq++, id, q.name, p.kind(), p.handler(), replyTo, maxAttempts, leaseMs, p.payload());
    item.priority = p.priority() != null ? p.priority() : 0;
    item.key = p.key();
    if (p.delayMs() != null && p.delayMs() > 0) {
      item.notBefore = clock.wallMillis() + p.delayMs();
    }
    ErrorReply refused = budgets.refusePut(q, item, p.corr());
    if (refused != null) {
      s.send(refused);
      queues.dropIfUnused(q);
      return;
    }
    budgets.charge(q, item);
    q.pendingPuts++;
    pendingPuts.put(item.seq, item);
    if (scope != null) {
      waitingForKey.put(scope, new ArrayList<>(0));
    }
    persistence.append(JournalRecords.put(item), error -> onCore(() -> {
      q.pendingPuts--;
      pendingPuts.remove(item.seq);
      List<Waiting> followers = scope == null ? List.of() : waitingForKey.remove(scope);
      if (error != null) {
        budgets.refund(q, item);
        ErrorReply failed = new ErrorReply(p.corr(), ErrorCode.STORAGE_ERROR,
            "the broker could not write the item to its journal (" + error.getMessage() + "); it was not accepted", false);
        s.send(failed);
        for (Waiting w : followers) {
          w.session().send(new ErrorReply(w.corr(), failed.code(), failed.message(), false));
        }
        queues.dropIfUnused(q);
        return;
      }
      item.acceptedAtNanos = System.nanoTime();
      tasks.track(item);
      if (item.notBefore > 0) {
        retries.add(item);
        q.delayed++;
      } else {
        item.readyAt = clock.wallMillis();
        q.offerLast(item);
      }
      s.send(new PutOk(p.corr(), id));
      for (Waiting w : followers) {
        w.session().send(new PutOk(w.corr(), id));
      }
      dispatcher.dispatch(q);
    }));
  }

  /**
   * Where {@code p} is deduplicated: its key's scope on {@code q}; else, for a task that names its
   * own id, that id's (a put resent after a lost connection or a cluster failover carries the id it
   * was first sent with, and must not queue the task twice); else nowhere.
   */
  private static String dedupScope(Put p, QueueState q) {
    if (p.key() != null) {
      return TaskIndex.scope(q.name, p.key());
    }
    return p.id() != null && p.kind() == ItemKind.TASK ? TaskIndex.idScope(p.id()) : null;
  }

  /**
   * Answers {@code p} if its key (or its id, see {@link #dedupScope}) is held on {@code q}: with the holder's id, or once the put not
   * yet durable that holds it is answered. Whether it was (nothing is queued then).
   */
  private boolean deduplicated(Session s, Put p, QueueState q, String scope) {
    List<Waiting> waiting = waitingForKey.get(scope);
    if (waiting != null) {
      waiting.add(new Waiting(s, p.corr()));
      return true;
    }
    String holder = p.key() != null ? tasks.holderOf(q.name, p.key()) : tasks.holderOfId(p.id());
    if (holder == null) {
      return false;
    }
    s.send(new PutOk(p.corr(), holder));
    return true;
  }

  /**
   * The result item carrying {@code result} to {@code task}'s reply queue, or null if it has none;
   * a task's also records how it finished ({@code state}, {@code error}), to be retained.
   */
  Item resultItem(Item task, Payload result, TaskState state, String error) {
    if (task.replyTo == null) {
      return null;
    }
    Item r = new Item(nextSeq++, task.id, task.replyTo, ItemKind.RESULT, null, null, config.maxAttempts(), config.leaseMs(), result);
    if (task.kind == ItemKind.TASK) {
      r.finish = new Finish(state, clock.wallMillis(), task.queue, task.handler, task.key, task.priority, task.attempts,
          task.maxAttempts, error);
    }
    return r;
  }

  /** Files {@code result} (already journaled) on its reply queue and dispatches it. */
  void offerResult(Item result) {
    QueueState done = queues.queue(result.queue);
    budgets.charge(done, result);
    done.offerLast(result);
    dispatcher.dispatch(done);
  }

  /**
   * The journal's callbacks come on its thread, a group commit's worth at a time: they reach the
   * core together. An in-memory core calls back at once, on the core thread.
   */
  void onCore(Runnable r) {
    confirmations.run(r);
  }
}
