package dev.workq.server.internal.core;

import dev.workq.protocol.Ack;
import dev.workq.protocol.Cancel;
import dev.workq.protocol.Complete;
import dev.workq.protocol.Consume;
import dev.workq.protocol.DeadLetters;
import dev.workq.protocol.DeleteQueue;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.Fetch;
import dev.workq.protocol.Message;
import dev.workq.protocol.Put;
import dev.workq.protocol.QueueClose;
import dev.workq.protocol.QueueJoin;
import dev.workq.protocol.QueuePeek;
import dev.workq.protocol.QueuePurge;
import dev.workq.protocol.Release;
import dev.workq.protocol.Renew;
import dev.workq.protocol.StatsRequest;
import dev.workq.protocol.TaskCancel;
import dev.workq.protocol.TaskStatus;
import dev.workq.protocol.TaskWait;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The parts of one core, wired, and which part handles which request: construction in the one
 * order the dependencies allow (Queues → Dispatcher → Intake → Failures → Leases and Outcomes →
 * Sessions, with the task index, waits and queue operations beside them), the routing of each
 * request, the tick, and what a session's close ends. {@link BrokerCore} owns the thread and the
 * entry points and hands everything here on the core thread. Core thread only.
 */
final class CoreParts {

  /** Bits of a tag below the epoch: a trillion deliveries per broker run. */
  private static final int TAG_EPOCH_SHIFT = 40;

  final Persistence persistence;
  final InboundBudget inbound;
  final Budgets budgets;
  final Queues queues;
  final Dispatcher dispatcher;
  final Intake intake;
  final Failures failures;
  final Leases leases;
  final Outcomes outcomes;
  final Sessions sessions;
  final StatsView statsView;
  final QueueOps queueOps;
  final TaskIndex tasks;
  final Waits waits;
  final TaskRequests taskRequests;
  final CoreClock clock;
  /** {@link Snapshotter#capture}, made once rather than per tick. */
  final Supplier<Snapshotter.LiveState> capture;


  CoreParts(CoreConfig config, Persistence persistence, Recovered recovered, long epoch, RoundTrips roundTrips, CoreThread thread,
      CoreClock clock, Random jitter) {
    this.persistence = persistence;
    this.inbound = new InboundBudget(config.maxPendingBytes());
    this.budgets = new Budgets(config);
    RetryHeap retries = new RetryHeap();
    LeaseHeap leaseHeap = new LeaseHeap();
    this.queues = new Queues(budgets, persistence, retries);
    this.dispatcher = new Dispatcher(epoch << TAG_EPOCH_SHIFT, queues, leaseHeap, budgets, persistence, clock, thread);
    this.clock = clock;
    this.tasks = new TaskIndex(config, queues, persistence, clock);
    this.waits = new Waits(config.maxWaitsPerConnection());
    this.intake = new Intake(recovered.maxSeq() + 1, Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16), config,
        queues, dispatcher, budgets, persistence, thread, retries, tasks, clock);
    this.failures = new Failures(config, queues, dispatcher, intake, retries, budgets, persistence, clock, jitter, tasks);
    this.leases = new Leases(leaseHeap, dispatcher, failures, clock);
    this.outcomes = new Outcomes(config, queues, dispatcher, leases, failures, intake, budgets, persistence, roundTrips, tasks,
        clock);
    this.sessions = new Sessions(queues, dispatcher, failures, budgets);
    this.taskRequests = new TaskRequests(tasks, waits, queues, dispatcher, retries, budgets, persistence, intake, clock);
    this.queueOps = new QueueOps(queues, dispatcher, sessions, retries, budgets, persistence, clock, thread, waits);
    dispatcher.onDispatched(queueOps::settled);
    // A closing session's joins and task waits end with it, in one place.
    sessions.onClose(closing -> {
      queueOps.sessionClosed(closing);
      taskRequests.closed(closing);
    });
    this.capture = new Snapshotter(epoch, queues, sessions, retries, intake, tasks.retained)::capture;
    this.statsView = new StatsView(config, queues, sessions, outcomes, budgets, inbound, persistence, waits, tasks.retained);
    for (Item item : recovered.items()) {
      tasks.restore(item);
    }
    recovered.closedQueues().forEach(queues::restoreClosed);
    persistence.appendQuietly(JournalRecords.epoch(epoch));
    }

  /** Routes a request to the part that owns it; the most frequent first. */
  void handle(Session s, Message m) {
    if (m instanceof Put p) {
      intake.put(s, p);
    } else if (m instanceof Complete c) {
      outcomes.complete(s, c);
    } else if (m instanceof Ack a) {
      outcomes.ack(s, a);
    } else if (m instanceof Renew r) {
      leases.renew(s, r);
    } else if (m instanceof Consume c) {
      dispatcher.consume(s, c);
    } else if (m instanceof Cancel c) {
      dispatcher.cancel(s, c);
    } else if (m instanceof Release r) {
      outcomes.release(s, r);
    } else if (m instanceof Fetch f) {
      dispatcher.fetch(s, f);
    } else if (m instanceof StatsRequest r) {
      s.send(statsView.page(r));
    } else if (m instanceof DeadLetters d) {
      s.send(failures.deadLetters(d));
    } else if (m instanceof DeleteQueue d) {
      s.send(queueOps.delete(d));
    } else if (m instanceof QueuePurge p) {
      queueOps.purge(s, p);
    } else if (m instanceof QueuePeek p) {
      queueOps.peek(s, p);
    } else if (m instanceof QueueClose c) {
      queueOps.close(s, c);
    } else if (m instanceof QueueJoin j) {
      queueOps.join(s, j);
    } else if (m instanceof TaskStatus t) {
      taskRequests.status(s, t);
    } else if (m instanceof TaskWait t) {
      taskRequests.await(s, t);
    } else if (m instanceof TaskCancel t) {
      taskRequests.cancel(s, t);
    } else {
      s.send(new ErrorReply(0, ErrorCode.PROTOCOL_ERROR, m.type() + " is not a request", false));
    }
  }

  void tick() {
    inbound.flush();
    leases.expireDue();
    failures.retryDue();
    queueOps.tick();
    tasks.retained.expire(clock.wallMillis());
    persistence.compactIfDue(capture);
  }

  /** {@code s} closed: its joins and waits end, what it held goes back. */
  void closed(Session s) {
    sessions.close(s);
  }

  /** What a compaction would write now. */
  Snapshotter.LiveState liveState() {
    return capture.get();
  }
}
