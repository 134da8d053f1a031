package dev.workq.server.internal.core;

import static dev.workq.server.internal.core.TaskTestSupport.put;
import static dev.workq.server.internal.core.TaskTestSupport.putOks;
import static dev.workq.server.internal.core.TaskTestSupport.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.Complete;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.Payload;
import dev.workq.protocol.StatsReply;
import dev.workq.protocol.TaskInfo;
import dev.workq.protocol.TaskState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Delayed puts, a worker's retryMs, and what TASK_STATUS says in every state. */
class DelayAndStatusTest {

  private final CoreHarness h = new CoreHarness(CoreHarness.config(2, 60_000, 10_000, 10_000), 7);
  private final CoreHarness.Peer client = h.client("c");

  private long delayed(String queue) {
    var f = h.core.stats();
    h.clock.runPending();
    StatsReply stats = f.join();
    return stats.queues().stream().filter(q -> q.name().equals(queue)).findFirst().orElseThrow().delayed();
  }

  @Test
  void aDelayedTaskIsDelayedUntilItsTimeThenReady() {
    long putAt = h.clock.wallMillis();
    put(client, "jobs", "later", "echo", null, 2_000L, null);
    assertEquals(List.of("later"), putOks(client));
    CoreHarness.Peer w = h.worker("w", "echo");
    w.consume("jobs", 5);

    TaskInfo info = status(client, "later");
    assertEquals(TaskState.DELAYED, info.state());
    assertEquals(putAt + 2_000, info.notBefore());
    assertEquals(0, info.attempts());
    assertEquals(1, delayed("jobs"));

    h.advance(1_990);
    assertEquals(List.of(), w.deliveries(), "not before its time");
    h.advance(50);
    assertEquals("later", w.delivery().id());
    assertEquals(0, delayed("jobs"));
  }

  @Test
  void aFailedTaskIsRetryingNotDelayedAndAWorkersRetryMsReplacesTheBackoff() {
    put(client, "jobs", "t", "echo", null, null, null);
    CoreHarness.Peer w = h.worker("w", "echo");
    w.consume("jobs", 5);
    Deliver d = w.delivery();
    long failedAt = h.clock.wallMillis();
    w.send(new Complete(d.tag(), false, "java.io.IOException: busy", false, 300L, Payload.EMPTY));

    TaskInfo info = status(client, "t");
    assertEquals(TaskState.RETRYING, info.state());
    assertEquals(failedAt + 300, info.notBefore(), "the worker's 300 ms, not the broker's 10 s backoff");
    assertEquals(1, info.attempts());
    assertEquals("java.io.IOException: busy", info.error());

    h.advance(350);
    assertEquals(2, w.delivery().attempts());
  }

  @Test
  void statusNamesEveryStateOfATask() {
    put(client, "jobs", "ready", "nobody", 3, null, "k-ready");
    put(client, "jobs", "running", "echo", null, null, null);
    put(client, "jobs", "done", "echo", null, null, null);
    put(client, "jobs", "dead", "echo", null, null, null);
    put(client, "jobs", "delayed", "echo", null, 60_000L, null);
    putOks(client);
    CoreHarness.Peer w = h.worker("w", "echo");
    w.consume("jobs", 3);
    List<Deliver> ds = w.deliveries();
    assertEquals(List.of("running", "done", "dead"), ds.stream().map(Deliver::id).toList());
    long deliveredAt = h.clock.wallMillis();
    h.advance(1_000);
    w.complete(ds.get(1), "{\"ok\":true}");
    w.send(new Complete(ds.get(2).tag(), false, "Boom: no", true, Payload.EMPTY));

    TaskInfo ready = status(client, "ready");
    assertEquals(TaskState.READY, ready.state());
    assertEquals(3, ready.priority());
    assertEquals("k-ready", ready.key());
    assertEquals("nobody", ready.handler());
    assertEquals("jobs", ready.queue());
    assertNotNull(ready.since());

    TaskInfo running = status(client, "running");
    assertEquals(TaskState.RUNNING, running.state());
    assertEquals("test:1", running.worker(), "host:pid of the holder");
    assertEquals(deliveredAt, running.since());
    assertEquals(1, running.attempts());

    TaskInfo done = status(client, "done");
    assertEquals(TaskState.DONE, done.state());
    assertEquals(h.clock.wallMillis(), done.since());
    assertNull(done.error());

    TaskInfo dead = status(client, "dead");
    assertEquals(TaskState.DEAD, dead.state());
    assertEquals("Boom: no", dead.error());

    assertEquals(TaskState.DELAYED, status(client, "delayed").state());
    assertEquals(TaskState.NOT_FOUND, status(client, "never").state());
    assertTrue(status(client, "never").queue() == null);
  }

  @Test
  void aRunningTaskWhoseWorkerLeavesIsReadyAgainWithItsAttempt() {
    put(client, "jobs", "t", "echo", null, null, null);
    CoreHarness.Peer w = h.worker("w", "echo");
    w.consume("jobs", 5);
    w.delivery();
    w.close();

    TaskInfo info = status(client, "t");
    assertEquals(TaskState.READY, info.state());
    assertEquals(1, info.attempts());
    assertTrue(info.error().startsWith("dev.workq.WorkerLost"), info.error());
  }
}
