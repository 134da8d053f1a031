package dev.workq.server.internal.core;

import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Payload;
import dev.workq.protocol.Put;
import dev.workq.protocol.PutOk;
import dev.workq.protocol.QueueNames;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * What enters the queues: a client's put (checked, journaled, and made visible and confirmed only
 * once durable) and the results the broker files for finished tasks. It numbers every item the
 * broker makes (seqs, also for retries and dead letters) and names tasks that came without an id.
 * Core thread only.
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
  private long nextSeq;
  private long nextId = 1;

  /**
   * @param firstSeq the first seq to hand out: above every seq the journal named
   * @param idPrefix starts the ids the broker gives tasks, so they differ between broker runs
   */
  Intake(long firstSeq, String idPrefix, CoreConfig config, Queues queues, Dispatcher dispatcher, Budgets budgets,
      Persistence persistence, CoreThread thread) {
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
    String id = p.id() != null ? p.id() : idPrefix + "-" + Long.toHexString(nextId++);
    int maxAttempts = p.maxAttempts() != null ? p.maxAttempts() : config.maxAttempts();
    long leaseMs = p.leaseMs() != null ? p.leaseMs() : config.leaseMs();
    Item item = new Item(nextSeq++, id, q.name, p.kind(), p.handler(), replyTo, maxAttempts, leaseMs, p.payload());
    ErrorReply refused = budgets.refusePut(q, item, p.corr());
    if (refused != null) {
      s.send(refused);
      queues.dropIfUnused(q);
      return;
    }
    budgets.charge(q, item);
    q.pendingPuts++;
    pendingPuts.put(item.seq, item);
    persistence.append(JournalRecords.put(item), error -> onCore(() -> {
      q.pendingPuts--;
      pendingPuts.remove(item.seq);
      if (error != null) {
        budgets.refund(q, item);
        s.send(new ErrorReply(p.corr(), ErrorCode.STORAGE_ERROR,
            "the broker could not write the item to its journal (" + error.getMessage() + "); it was not accepted", false));
        queues.dropIfUnused(q);
        return;
      }
      item.acceptedAtNanos = System.nanoTime();
      q.offerLast(item);
      s.send(new PutOk(p.corr(), id));
      dispatcher.dispatch(q);
    }));
  }

  /** The result item carrying {@code result} to {@code task}'s reply queue, or null if it has none. */
  Item resultItem(Item task, Payload result) {
    if (task.replyTo == null) {
      return null;
    }
    return new Item(nextSeq++, task.id, task.replyTo, ItemKind.RESULT, null, null, config.maxAttempts(), config.leaseMs(), result);
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
  private void onCore(Runnable r) {
    confirmations.run(r);
  }
}
