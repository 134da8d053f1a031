package dev.workq.server.internal.core;

import static dev.workq.server.internal.core.QueuePurgePeekTest.waitCounts;
import static dev.workq.server.internal.core.TaskTestSupport.corr;
import static dev.workq.server.internal.core.TaskTestSupport.errors;
import static dev.workq.server.internal.core.TaskTestSupport.put;
import static dev.workq.server.internal.core.TaskTestSupport.putOks;
import static dev.workq.server.internal.core.TaskTestSupport.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.Deliver;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.Revoke;
import dev.workq.protocol.TaskCancel;
import dev.workq.protocol.TaskCancelOk;
import dev.workq.protocol.TaskState;
import dev.workq.protocol.TaskWait;
import dev.workq.protocol.TaskWaitOk;
import dev.workq.protocol.outcome.TaskOutcome;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TASK_WAIT (at once, on finish, at its timeout, its per-connection limit, a closed connection) and TASK_CANCEL in each state. */
class TaskWaitAndCancelTest {

  private final TestJournal journal = new TestJournal();
  private final CoreConfig config = CoreHarness.config(3, 60_000, 100, 1_000).withTaskLimits(3_600_000, 100, 1 << 20, 2);
  private final CoreHarness h = new CoreHarness(config, 9, journal, 0);
  private final CoreHarness.Peer client = h.client("c");

  private TaskWaitOk waitOk(CoreHarness.Peer p) {
    List<TaskWaitOk> oks = p.conn.take(TaskWaitOk.class);
    assertEquals(1, oks.size(), () -> "one TASK_WAIT_OK: " + oks + ", also: " + p.conn.sent);
    return oks.get(0);
  }

  private TaskCancelOk cancel(CoreHarness.Peer p, String id) {
    p.send(new TaskCancel(corr(), id));
    List<TaskCancelOk> oks = p.conn.take(TaskCancelOk.class);
    assertEquals(1, oks.size(), () -> "one TASK_CANCEL_OK: " + p.conn.sent);
    return oks.get(0);
  }

  @Test
  void aWaitIsAnsweredWhenTheTaskFinishesWithItsResultAndAtOnceAfter() {
    put(client, "jobs", "t", "echo", null, null, null);
    client.send(new TaskWait(corr(), "t", 10_000));
    assertEquals(List.of(), client.conn.take(TaskWaitOk.class));
    CoreHarness.Peer w = h.worker("w", "echo");
    w.consume("jobs", 1);
    w.complete(w.delivery(), "{\"answer\":42}");

    TaskWaitOk ok = waitOk(client);
    assertTrue(ok.finished());
    assertEquals(TaskState.DONE, ok.state());
    assertEquals("{\"answer\":42}", ok.result().utf8());

    client.send(new TaskWait(corr(), "t", 10_000));
    assertEquals("{\"answer\":42}", waitOk(client).result().utf8(), "finished and retained: at once");
  }

  @Test
  void aWaitTimesOutWithTheCurrentStateAndAnUnknownIdIsAnError() {
    put(client, "jobs", "t", "echo", null, 5_000L, null);
    client.send(new TaskWait(corr(), "t", 1_000));
    h.advance(999);
    assertEquals(List.of(), client.conn.take(TaskWaitOk.class));
    h.advance(1);
    TaskWaitOk ok = waitOk(client);
    assertFalse(ok.finished());
    assertEquals(TaskState.DELAYED, ok.state());

    client.send(new TaskWait(corr(), "nope", 1_000));
    assertEquals(ErrorCode.UNKNOWN_TASK, errors(client).get(0).code());
  }

  @Test
  void waitsPastTheConnectionsLimitAreRefusedAndAClosedConnectionsWaitsGo() {
    put(client, "jobs", "t", "echo", null, null, null);
    client.send(new TaskWait(corr(), "t", 60_000));
    client.send(new TaskWait(corr(), "t", 60_000));
    client.send(new TaskWait(corr(), "t", 60_000));
    List<ErrorReply> errs = errors(client);
    assertEquals(1, errs.size());
    assertEquals(ErrorCode.WAIT_LIMIT, errs.get(0).code());

    CoreHarness.Peer other = h.client("other");
    other.send(new TaskWait(corr(), "t", 60_000));
    assertEquals(List.of(), errors(other), "the limit is per connection");
    assertEquals(new CoreBudgets.WaitCounts(3, 2, 1), waitCounts(h), "held over all connections, the cap, the refusal");
    client.close();
    assertEquals(1, waitCounts(h).held(), "a closed connection's waits are no longer held");
    CoreHarness.Peer w = h.worker("w", "echo");
    w.consume("jobs", 1);
    w.complete(w.delivery(), "{}");
    assertTrue(waitOk(other).finished());
    assertEquals(List.of(), client.conn.take(TaskWaitOk.class), "the closed connection's waits were dropped");
    assertEquals(new CoreBudgets.WaitCounts(0, 2, 1), waitCounts(h), "an answered wait is no longer held");
  }

  @Test
  void aTimedOutWaitIsNoLongerHeldAndOneAnsweredAtOnceNeverWas() {
    put(client, "jobs", "t", "echo", null, 5_000L, null);
    client.send(new TaskWait(corr(), "t", 1_000));
    client.send(new TaskWait(corr(), "t", 0));
    assertEquals(1, waitCounts(h).held(), "a wait of 0 ms is answered at once");
    h.advance(1_000);
    assertEquals(2, client.conn.take(TaskWaitOk.class).size());
    assertEquals(new CoreBudgets.WaitCounts(0, 2, 0), waitCounts(h));
  }

  @Test
  void aReadyOrDelayedTaskIsCancelledWithAFailedResultOnItsDoneQueue() {
    put(client, "jobs", "ready", "echo", null, null, null);
    put(client, "jobs", "delayed", "echo", null, 5_000L, null);
    client.send(new TaskWait(corr(), "ready", 60_000));

    TaskCancelOk ok = cancel(client, "ready");
    assertTrue(ok.cancelled());
    assertEquals(TaskState.READY, ok.was());
    assertEquals(TaskState.CANCELLED, waitOk(client).state());
    assertEquals(TaskState.DELAYED, cancel(client, "delayed").was());
    assertEquals(TaskState.CANCELLED, status(client, "delayed").state());
    assertFalse(cancel(client, "delayed").cancelled(), "already finished");

    CoreHarness.Peer w = h.worker("w", "echo");
    w.consume("jobs", 10);
    h.advance(6_000);
    assertEquals(List.of(), w.deliveries(), "neither runs");
    CoreHarness.Peer reader = h.client("reader");
    reader.consume("jobs.done", 10);
    List<Deliver> results = reader.deliveries();
    assertEquals(List.of("ready", "delayed"), results.stream().map(Deliver::id).toList());
    TaskOutcome outcome = dev.workq.protocol.outcome.TaskOutcomeCodec.decode(results.get(0).payload());
    assertFalse(outcome.ok());
    assertTrue(outcome.error().startsWith("dev.workq.Cancelled"), outcome.error());

    client.send(new TaskCancel(corr(), "nope"));
    assertEquals(ErrorCode.UNKNOWN_TASK, errors(client).get(0).code());
  }

  @Test
  void aRunningTaskIsRevokedItsCreditFreedAndALateCompleteIsStale() {
    put(client, "jobs", "a", "echo", null, null, null);
    put(client, "jobs", "b", "echo", null, null, null);
    CoreHarness.Peer w = h.worker("w", "echo");
    w.consume("jobs", 1);
    Deliver a = w.delivery();

    TaskCancelOk ok = cancel(client, "a");
    assertEquals(TaskState.RUNNING, ok.was());
    assertTrue(ok.cancelled());
    List<Revoke> revokes = w.conn.take(Revoke.class);
    assertEquals(List.of(new Revoke(a.tag(), "a")), revokes);
    assertEquals("b", w.delivery().id(), "the credit came back at once");
    assertEquals(TaskState.CANCELLED, status(client, "a").state());

    w.complete(a, "{}");
    assertEquals(ErrorCode.UNKNOWN_DELIVERY, errors(w).get(0).code());
    assertEquals(TaskState.CANCELLED, status(client, "a").state());
    var tracked = h.core.leasesTracked();
    h.clock.runPending();
    assertEquals(1, tracked.join());
  }

  @Test
  void aCancelIsAnsweredOnlyOnceDurableAndSurvivesARestart() {
    put(client, "jobs", "t", "echo", null, 60_000L, null);
    journal.hold();
    client.send(new TaskCancel(corr(), "t"));
    assertEquals(List.of(), client.conn.take(TaskCancelOk.class), "not before the journal has it");
    journal.release();
    h.clock.runPending();
    assertTrue(client.conn.take(TaskCancelOk.class).get(0).cancelled());

    CoreHarness after = new CoreHarness(config, 9, journal, h.clock.elapsedMs() + 1_000);
    CoreHarness.Peer c2 = after.client("c2");
    assertEquals(TaskState.CANCELLED, status(c2, "t").state());
    CoreHarness.Peer w = after.worker("w", "echo");
    w.consume("jobs", 1);
    after.advance(120_000);
    assertEquals(List.of(), w.deliveries(), "a cancelled task never runs after a restart");
  }
}
