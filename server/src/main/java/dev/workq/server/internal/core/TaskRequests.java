package dev.workq.server.internal.core;

import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.Payload;
import dev.workq.protocol.TaskCancel;
import dev.workq.protocol.TaskCancelOk;
import dev.workq.protocol.TaskInfo;
import dev.workq.protocol.TaskState;
import dev.workq.protocol.TaskStatus;
import dev.workq.protocol.TaskStatusOk;
import dev.workq.protocol.TaskWait;
import dev.workq.protocol.TaskWaitOk;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The requests about one task by id: TASK_STATUS (from the {@link TaskIndex}), TASK_WAIT (a
 * waiter per request, answered when the task finishes or at its timeout, counted against its
 * connection's {@link Waits}, dropped when the connection closes) and TASK_CANCEL (a waiting task
 * is taken out, a running one revoked from its holder; either way a failed result is filed, and
 * the answer is sent once that is durable, so a cancelled task never runs after a restart).
 * Core thread only.
 */
final class TaskRequests {

  /** The error of a cancelled task's result record. */
  static final String CANCELLED_ERROR = "dev.workq.Cancelled: cancelled by request";

  /** One TASK_WAIT waiting. */
  private static final class Waiter {
    final Session session;
    final long corr;
    final String id;
    CoreClock.Cancellable timeout;

    Waiter(Session session, long corr, String id) {
      this.session = session;
      this.corr = corr;
      this.id = id;
    }
  }

  private final TaskIndex tasks;
  private final Waits waits;
  private final Queues queues;
  private final Dispatcher dispatcher;
  private final RetryHeap retries;
  private final Budgets budgets;
  private final Persistence persistence;
  private final Intake intake;
  private final CoreClock clock;
  private final Map<String, List<Waiter>> waitersById = new HashMap<>();
  private final Map<Session, Set<Waiter>> waitersBySession = new HashMap<>();

  TaskRequests(TaskIndex tasks, Waits waits, Queues queues, Dispatcher dispatcher, RetryHeap retries, Budgets budgets,
      Persistence persistence, Intake intake, CoreClock clock) {
    this.tasks = tasks;
    this.waits = waits;
    this.queues = queues;
    this.dispatcher = dispatcher;
    this.retries = retries;
    this.budgets = budgets;
    this.persistence = persistence;
    this.intake = intake;
    this.clock = clock;
    tasks.onFinish(this::finished);
  }

  void status(Session s, TaskStatus r) {
    List<TaskInfo> infos = new ArrayList<>(r.ids().size());
    for (String id : r.ids()) {
      infos.add(tasks.info(id));
    }
    s.send(new TaskStatusOk(r.corr(), infos));
  }

  void await(Session s, TaskWait w) {
    TaskState state = tasks.state(w.id());
    if (state == TaskState.NOT_FOUND) {
      s.send(unknown(w.corr(), w.id()));
      return;
    }
    if (state.finished()) {
      s.send(new TaskWaitOk(w.corr(), w.id(), state, true, resultOf(w.id())));
      return;
    }
    if (w.timeoutMs() == 0) {
      s.send(new TaskWaitOk(w.corr(), w.id(), state, false, Payload.EMPTY));
      return;
    }
    if (!waits.tryAcquire(s)) {
      s.send(waits.refusal(w.corr()));
      return;
    }
    Waiter waiter = new Waiter(s, w.corr(), w.id());
    waitersById.computeIfAbsent(w.id(), k -> new ArrayList<>(1)).add(waiter);
    waitersBySession.computeIfAbsent(s, k -> new LinkedHashSet<>()).add(waiter);
    waiter.timeout = clock.schedule(() -> {
      if (forget(waiter)) {
        s.send(new TaskWaitOk(waiter.corr, waiter.id, tasks.state(waiter.id), false, Payload.EMPTY));
      }
    }, w.timeoutMs());
  }

  /** The result record of finished task {@code id}: its retained one, or for a dead letter past its retention, a failed one. */
  private Payload resultOf(String id) {
    Item r = tasks.retained.get(id);
    if (r != null) {
      return r.payload;
    }
    Item dead = tasks.live(id);
    return dead == null ? Payload.EMPTY : Failures.failedResult(dead, dead.errors.isEmpty() ? "dev.workq.Dead"
        : dead.errors.get(dead.errors.size() - 1));
  }

  /** A task finished: its waiters get its result. */
  private void finished(Item result) {
    List<Waiter> ws = waitersById.remove(result.id);
    if (ws == null) {
      return;
    }
    for (Waiter w : ws) {
      w.timeout.cancel();
      dropFromSession(w);
      w.session.send(new TaskWaitOk(w.corr, w.id, result.finish.state(), true, result.payload));
    }
  }

  /** Takes {@code w} out; false if it had already gone. */
  private boolean forget(Waiter w) {
    List<Waiter> ws = waitersById.get(w.id);
    if (ws == null || !ws.remove(w)) {
      return false;
    }
    if (ws.isEmpty()) {
      waitersById.remove(w.id);
    }
    dropFromSession(w);
    return true;
  }

  private void dropFromSession(Waiter w) {
    Set<Waiter> mine = waitersBySession.get(w.session);
    if (mine != null && mine.remove(w) && mine.isEmpty()) {
      waitersBySession.remove(w.session);
    }
    waits.release(w.session);
  }

  /** {@code s} closed: its waits end unanswered. */
  void closed(Session s) {
    Set<Waiter> mine = waitersBySession.remove(s);
    if (mine != null) {
      for (Waiter w : mine) {
        w.timeout.cancel();
        List<Waiter> ws = waitersById.get(w.id);
        if (ws != null && ws.remove(w) && ws.isEmpty()) {
          waitersById.remove(w.id);
        }
      }
    }
    waits.closed(s);
  }

  void cancel(Session s, TaskCancel c) {
    Item task = tasks.live(c.id());
    if (task == null) {
      Item r = tasks.retained.get(c.id());
      s.send(r != null ? new TaskCancelOk(c.corr(), c.id(), r.finish.state(), false) : unknown(c.corr(), c.id()));
      return;
    }
    TaskState was = TaskIndex.stateOf(task);
    QueueState q = queues.get(task.queue);
    switch (was) {
      case DEAD -> {
        s.send(new TaskCancelOk(c.corr(), c.id(), was, false));
        return;
      }
      case RUNNING -> {
        dispatcher.revoke(task.heldBy());
      }
      case DELAYED, RETRYING -> {
        retries.remove(task);
        q.delayed--;
      }
      default -> q.ready.remove(task);
    }
    budgets.refund(q, task);
    Item result = intake.resultItem(task, Failures.failedResult(task, CANCELLED_ERROR), TaskState.CANCELLED, CANCELLED_ERROR);
    // Answered once durable: a cancel confirmed is never undone by a crash.
    persistence.append(JournalRecords.replace(task.seq, result == null ? List.of() : List.of(result)),
        error -> intake.onCore(() -> s.send(error == null ? new TaskCancelOk(c.corr(), c.id(), was, true)
            : new ErrorReply(c.corr(), ErrorCode.STORAGE_ERROR, "the broker could not journal the cancel of task '" + c.id()
                + "' (" + error.getMessage() + "); it is cancelled until the broker restarts", false))));
    if (result != null) {
      intake.offerResult(result);
    }
    tasks.finished(task, result);
    dispatcher.dispatch(q);
    queues.collectIfIdle(q);
  }

  private static ErrorReply unknown(long corr, String id) {
    return new ErrorReply(corr, ErrorCode.UNKNOWN_TASK, "no task '" + id + "' (never put, or finished longer ago than the"
        + " broker's result retention)", false);
  }
}
