package dev.workq.server.internal.core;

import dev.workq.protocol.DeadLetters;
import dev.workq.protocol.DeadLettersReply;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Payload;
import dev.workq.protocol.Printable;
import dev.workq.protocol.TaskState;
import dev.workq.protocol.outcome.TaskOutcome;
import java.util.List;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a task that did not succeed: a retry after an exponential, jittered backoff
 * (the delayed tasks in {@link RetryHeap}), the front of its queue again when its worker was lost,
 * or the dead letters once it has used its attempts, with a failed result on its done queue. Also
 * the dead-letter requests (list, requeue, purge). Core thread only.
 */
final class Failures {

  /** The core's log lines keep the core's logger, so a log configuration naming it still applies. */
  private static final Logger log = LoggerFactory.getLogger(BrokerCore.class);

  private final CoreConfig config;
  private final Queues queues;
  private final Dispatcher dispatcher;
  private final Intake intake;
  private final RetryHeap retries;
  private final Budgets budgets;
  private final Persistence persistence;
  private final CoreClock clock;
  private final Random jitter;
  private final TaskIndex tasks;

  Failures(CoreConfig config, Queues queues, Dispatcher dispatcher, Intake intake, RetryHeap retries, Budgets budgets,
      Persistence persistence, CoreClock clock, Random jitter, TaskIndex tasks) {
    this.tasks = tasks;
    this.config = config;
    this.queues = queues;
    this.dispatcher = dispatcher;
    this.intake = intake;
    this.retries = retries;
    this.budgets = budgets;
    this.persistence = persistence;
    this.clock = clock;
    this.jitter = jitter;
  }

  /**
   * A worker reported {@code task} failed with {@code error}: retried later, or a dead letter if
   * the failure is permanent, the task has used its attempts or is not a task (a result, say).
   * The retry waits {@code retryMs} (the worker's choice) if not null, else the broker's backoff.
   */
  void failed(Item task, QueueState q, String error, boolean permanent, Payload lastResult, Long retryMs) {
    q.failed++;
    task.addError(error);
    if (permanent || task.attempts >= task.maxAttempts || task.kind != ItemKind.TASK) {
      deadLetter(task, lastResult);
    } else {
      retryLater(task, retryMs);
    }
  }

  private void retryLater(Item task, Long retryMs) {
    Item retry = task.copy(intake.nextSeq());
    // At least 1 ms: a notBefore of 0 means "not waiting".
    retry.notBefore = clock.wallMillis() + (retryMs != null ? Math.max(1, retryMs) : config.backoffMs(task.attempts, jitter));
    persistence.appendQuietly(JournalRecords.replace(task.seq, List.of(retry)));
    tasks.moved(task, retry);
    retries.add(retry);
    queues.queue(retry.queue).delayed++;
  }

  /** Retries whose backoff is over join the back of their queues. */
  void retryDue() {
    long wall = clock.wallMillis();
    Item due;
    while ((due = retries.pollDue(wall)) != null) {
      due.notBefore = 0;
      due.readyAt = wall;
      QueueState q = queues.queue(due.queue);
      q.delayed--;
      q.offerLast(due);
      dispatcher.dispatch(q);
    }
  }

  /**
   * The holder of {@code d} is gone (connection closed, lease expired): the attempt counts, apart
   * from handler failures. The task goes back to the front of its queue, or to the dead letters if
   * it has used its attempts.
   */
  void lost(Delivery d, String why) {
    Item item = d.item;
    item.delivery = null;
    QueueState q = d.queue;
    q.redelivered++;
    item.crashes++;
    item.addError("dev.workq.WorkerLost: " + why);
    if (item.kind == ItemKind.TASK && item.attempts >= item.maxAttempts) {
      deadLetter(item, null);
      return;
    }
    persistence.appendQuietly(JournalRecords.put(item));
    item.readyAt = clock.wallMillis();
    q.offerFirst(item);
  }

  /**
   * Moves a task to its queue's dead letters with its error history and, for a task, puts its
   * last error result on its done queue so whoever waits for it learns it failed.
   */
  void deadLetter(Item task, Payload lastResult) {
    Item dead = task.copy(intake.nextSeq());
    dead.state = Item.State.DEAD;
    dead.notBefore = 0;
    String lastError = task.errors.isEmpty() ? null : task.errors.get(task.errors.size() - 1);
    Item result = task.kind == ItemKind.TASK ? intake.resultItem(task,
        lastResult != null && lastResult.length() > 0 ? lastResult : lostResult(task), TaskState.DEAD, lastError) : null;
    persistence.appendQuietly(JournalRecords.replace(task.seq, result == null ? List.of(dead) : List.of(dead, result)));
    QueueState q = queues.queue(task.queue);
    q.dead.put(dead.seq, dead);
    // The task finished (DEAD); its dead letter is what its id names while it is kept.
    tasks.finished(task, result);
    tasks.track(dead);
    // The error is a worker's text: escaped, so a newline in it cannot forge a log line.
    log.info("task {} on '{}' moved to the dead letters after {} attempts ({} lost workers): {}", Printable.escape(task.id), q.name,
        task.attempts, task.crashes, task.errors.isEmpty() ? "-" : Printable.escape(task.errors.get(task.errors.size() - 1)));
    if (result != null) {
      intake.offerResult(result);
    }
  }

  /** A result record for a task whose last attempt produced none (its worker was lost). */
  private static Payload lostResult(Item task) {
    return failedResult(task, task.errors.isEmpty() ? "dev.workq.WorkerLost" : task.errors.get(task.errors.size() - 1));
  }

  /** The failed result the broker writes itself, for an attempt that produced no usable one. */
  static Payload failedResult(Item task, String error) {
    return TaskOutcome.fromBroker(task.id, error, task.attempts).encode();
  }

  /** Carries out a dead-letters request; a queue that does not exist has none (and is not created). */
  DeadLettersReply deadLetters(DeadLetters request) {
    QueueState q = queues.get(request.queue());
    return q == null
        ? new DeadLettersReply(request.corr(), request.queue(), 0, 0, List.of())
        : DeadLetterOps.apply(this, q, request, config.maxPayload());
  }

  /** Puts a dead letter (already taken out of the dead letters) back on its queue as a fresh task. */
  void requeueDead(QueueState q, Item dead) {
    Item fresh = new Item(intake.nextSeq(), dead.id, dead.queue, dead.kind, dead.handler, dead.replyTo, dead.maxAttempts,
        dead.leaseMs, dead.payload);
    fresh.priority = dead.priority;
    fresh.key = dead.key;
    persistence.appendQuietly(JournalRecords.replace(dead.seq, List.of(fresh)));
    tasks.moved(dead, fresh);
    fresh.readyAt = clock.wallMillis();
    q.offerLast(fresh);
  }

  /** Forgets a dead letter (already taken out of the dead letters). */
  void purgeDead(QueueState q, Item dead) {
    budgets.refund(q, dead);
    tasks.untrack(dead);
    persistence.appendQuietly(JournalRecords.remove(dead.seq));
  }

  /** Dead letters were requeued to {@code q}: hand them out. */
  void requeued(QueueState q) {
    dispatcher.dispatch(q);
  }
}
