package dev.workq.server.internal.core;

import dev.workq.protocol.Ack;
import dev.workq.protocol.Complete;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.Release;
import dev.workq.protocol.TaskState;
import java.util.List;

/**
 * How a delivery ends when its holder says so: ACK (a result or STOP taken; a result still
 * retained for its task is journaled as retired, not removed), COMPLETE (a task's outcome: its
 * result filed on the reply queue and retained, or the failure handed to {@link Failures}) and
 * RELEASE (handed back untouched). Each also clears its holder's suspicion, even when stale; a
 * stale one (no such lease on that connection) is refused and counted. Core thread only.
 */
final class Outcomes {

  private final CoreConfig config;
  private final Queues queues;
  private final Dispatcher dispatcher;
  private final Leases leases;
  private final Failures failures;
  private final Intake intake;
  private final Budgets budgets;
  private final Persistence persistence;
  private final RoundTrips roundTrips;
  private final TaskIndex tasks;
  private final CoreClock clock;
  private long staleResults;

  Outcomes(CoreConfig config, Queues queues, Dispatcher dispatcher, Leases leases, Failures failures, Intake intake,
      Budgets budgets, Persistence persistence, RoundTrips roundTrips, TaskIndex tasks, CoreClock clock) {
    this.tasks = tasks;
    this.clock = clock;
    this.config = config;
    this.queues = queues;
    this.dispatcher = dispatcher;
    this.leases = leases;
    this.failures = failures;
    this.intake = intake;
    this.budgets = budgets;
    this.persistence = persistence;
    this.roundTrips = roundTrips;
  }

  /** Results, acks and releases refused because the connection held no such lease. */
  long staleResults() {
    return staleResults;
  }

  void ack(Session s, Ack a) {
    leases.clearSuspicion(s);
    Delivery d = s.held.remove(a.tag());
    if (d == null) {
      stale(s, a.tag(), "ACK");
      return;
    }
    dispatcher.unhold(d);
    d.item.delivery = null;
    d.queue.completed++;
    roundTrips.finished(d.item);
    budgets.refund(d.queue, d.item);
    if (tasks.retained.holds(d.item)) {
      // Off its done queue, but still its task's retained result: the journal keeps the item.
      d.item.state = Item.State.RETIRED;
      persistence.appendQuietly(JournalRecords.retire(d.item.seq));
    } else {
      persistence.appendQuietly(JournalRecords.remove(d.item.seq));
    }
    dispatcher.dispatch(d.queue);
    queues.collectIfIdle(d.queue);
  }

  void complete(Session s, Complete c) {
    leases.clearSuspicion(s);
    Delivery d = s.held.remove(c.tag());
    if (d == null) {
      stale(s, c.tag(), "COMPLETE");
      return;
    }
    dispatcher.unhold(d);
    Item task = d.item;
    task.delivery = null;
    QueueState q = d.queue;
    if (c.result().length() > config.maxPayload()) {
      // Delivering it would overflow a frame, forever: record the task as failed instead.
      String error = "dev.workq.ResultTooLarge: result of " + c.result().length() + " bytes is over the limit of "
          + config.maxPayload() + " bytes";
      c = new Complete(c.tag(), false, error, true, Failures.failedResult(task, error));
    }
    if (c.ok()) {
      q.completed++;
      roundTrips.finished(task);
      budgets.refund(q, task);
      Item result = intake.resultItem(task, c.result(), TaskState.DONE, null);
      persistence.appendQuietly(JournalRecords.replace(task.seq, result == null ? List.of() : List.of(result)));
      if (result != null) {
        intake.offerResult(result);
      }
      tasks.finished(task, result);
    } else {
      failures.failed(task, q, c.error(), c.permanent(), c.result(), c.retryMs());
    }
    dispatcher.dispatch(q);
    queues.collectIfIdle(q);
  }

  void release(Session s, Release r) {
    leases.clearSuspicion(s);
    Delivery d = s.held.remove(r.tag());
    if (d == null) {
      stale(s, r.tag(), "RELEASE");
      return;
    }
    dispatcher.unhold(d);
    d.item.delivery = null;
    d.item.readyAt = clock.wallMillis();
    d.queue.offerFirst(d.item);
    dispatcher.dispatch(d.queue);
  }

  /**
   * A result, ack or release for a lease this connection does not hold: the lease expired and the
   * task went to someone else, or the tag is from an earlier broker run. Rejected and counted, so
   * a task that ran twice puts one result on its done queue.
   */
  private void stale(Session s, long tag, String what) {
    staleResults++;
    s.send(ErrorReply.aboutDelivery(tag, ErrorCode.UNKNOWN_DELIVERY,
        what + " for delivery " + tag + " rejected: this connection holds no such lease (expired, or from an earlier broker run)"));
  }
}
