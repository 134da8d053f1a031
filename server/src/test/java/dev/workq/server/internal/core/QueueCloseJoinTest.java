package dev.workq.server.internal.core;

import static dev.workq.server.internal.core.QueuePurgePeekTest.putKind;
import static dev.workq.server.internal.core.QueuePurgePeekTest.stats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.DeleteQueue;
import dev.workq.protocol.DeleteQueueOk;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.PutOk;
import dev.workq.protocol.QueueClose;
import dev.workq.protocol.QueueCloseOk;
import dev.workq.protocol.QueueJoin;
import dev.workq.protocol.QueueJoinOk;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * QUEUE_CLOSE and QUEUE_JOIN on a fake clock: a closed queue refuses new work, and once drained
 * each worker gets one STOP; a join answers once nothing is unfinished, at its timeout, or never
 * (its connection closed).
 */
class QueueCloseJoinTest {

  private final CoreHarness h = new CoreHarness(CoreHarness.config(3, 60_000, 100, 1_000), 5);
  private final CoreHarness.Peer client = h.client("c");

  private QueueCloseOk close(String queue) {
    client.send(new QueueClose(51, queue));
    List<QueueCloseOk> ok = client.conn.take(QueueCloseOk.class);
    assertEquals(1, ok.size(), () -> "answer: " + client.conn.sent);
    return ok.get(0);
  }

  private static List<Deliver> stops(CoreHarness.Peer p) {
    return p.deliveries().stream().filter(d -> d.kind() == ItemKind.STOP).toList();
  }

  @Test
  void aClosedQueueRefusesTasksAndValuesButTakesStops() {
    client.put("jobs", "t1", "echo", 3, 60_000);
    client.conn.take(PutOk.class);

    assertEquals(new QueueCloseOk(51, "jobs", 1, 0), close("jobs"));
    assertTrue(stats(h, "jobs").closed());

    client.put("jobs", "t2", "echo", 3, 60_000);
    putKind(client, "jobs", ItemKind.DATA, "1");
    List<ErrorReply> refused = client.conn.take(ErrorReply.class);
    assertEquals(List.of(ErrorCode.QUEUE_CLOSED, ErrorCode.QUEUE_CLOSED), refused.stream().map(ErrorReply::code).toList());
    assertEquals("queue 'jobs' is closed: it takes no new tasks (delete it to use the name again)", refused.get(0).message());
    putKind(client, "jobs", ItemKind.STOP, "");
    assertEquals(1, client.conn.take(PutOk.class).size(), "a STOP is still accepted");
    assertEquals(2, stats(h, "jobs").ready());
    assertEquals(new QueueCloseOk(51, "jobs", 1, 0), close("jobs"), "closing again changes nothing");
  }

  @Test
  void eachWorkerGetsOneStopOnlyOnceTheLastTaskFinishedAndSoDoesEachLateWorker() {
    CoreHarness.Peer a = h.worker("a", "echo");
    CoreHarness.Peer b = h.worker("b", "echo");
    a.consume("jobs", 1);
    b.consume("jobs", 1);
    for (int i = 1; i <= 3; i++) {
      client.put("jobs", "t" + i, "echo", 3, 60_000);
    }
    Deliver t1 = a.delivery();
    Deliver t2 = b.delivery();

    assertEquals(new QueueCloseOk(51, "jobs", 3, 2), close("jobs"));
    a.complete(t1, "r1");
    Deliver t3 = a.delivery();
    b.complete(t2, "r2");
    assertTrue(b.deliveries().isEmpty(), "t3 still runs: no STOP yet");
    a.fail(t3, "boom");
    h.advance(50);
    assertTrue(a.deliveries().isEmpty() && b.deliveries().isEmpty(), "t3 waits out its backoff: still unfinished");
    h.advance(1_000);
    List<Deliver> toA = a.deliveries();
    List<Deliver> toB = b.deliveries();
    assertEquals(1, toA.size() + toB.size(), "the retry, and no STOP yet");
    (toA.isEmpty() ? b : a).complete(toA.isEmpty() ? toB.get(0) : toA.get(0), "r3");

    for (CoreHarness.Peer w : List.of(a, b)) {
      List<Deliver> got = stops(w);
      assertEquals(1, got.size(), "one STOP for " + w.session);
      assertEquals(0, got.get(0).leaseMs(), "a STOP has no lease");
    }
    assertEquals(0, stats(h, "jobs").consumers(), "each STOP ended its consumer");
    assertEquals(2, stats(h, "jobs").stops(), "the STOPs are pending until acked");

    CoreHarness.Peer late = h.worker("late", "echo");
    late.consume("jobs", 4);
    assertEquals(1, stops(late).size(), "a worker subscribing later gets its STOP at once");
    CoreHarness.Peer plain = h.client("plain");
    plain.consume("jobs", 4);
    assertTrue(plain.deliveries().isEmpty(), "only workers are sent STOPs");
  }

  @Test
  void aDrainedQueueStopsItsWorkersAtTheClose() {
    CoreHarness.Peer a = h.worker("a", "echo");
    a.consume("jobs", 1);
    assertEquals(new QueueCloseOk(51, "jobs", 0, 1), close("jobs"));
    Deliver stop = a.delivery();
    assertEquals(ItemKind.STOP, stop.kind());
    a.ack(stop);
    assertTrue(a.conn.take(ErrorReply.class).isEmpty(), "the broker's STOP is acked like any");
    assertEquals(0, stats(h, "jobs").stops());
    assertEquals(0, QueuePurgePeekTest.heldBytes(h));
  }

  @Test
  void deletingAClosedQueueFreesTheName() {
    client.put("jobs", "t1", "echo", 3, 60_000);
    close("jobs");
    DeleteQueueOk ok = (DeleteQueueOk) QueuePurgePeekTest.now(h, h.core.deleteQueue(new DeleteQueue(1, "jobs", true)));
    assertEquals(1, ok.removed());
    client.conn.sent.clear();
    client.put("jobs", "t2", "echo", 3, 60_000);
    assertEquals(1, client.conn.take(PutOk.class).size());
    assertFalse(stats(h, "jobs").closed());
  }

  @Test
  void closeAndJoinNameOnlyQueuesThatExist() {
    client.send(new QueueClose(51, "tpyo"));
    client.send(new QueueJoin(52, "tpyo", 1_000));
    assertEquals(List.of(ErrorCode.UNKNOWN_QUEUE, ErrorCode.UNKNOWN_QUEUE),
        client.conn.take(ErrorReply.class).stream().map(ErrorReply::code).toList());
    assertEquals(null, stats(h, "tpyo"));
  }

  // ---- join ----

  private List<QueueJoinOk> joins(CoreHarness.Peer p) {
    return p.conn.take(QueueJoinOk.class);
  }

  @Test
  void aJoinOnAQueueWithoutUnfinishedTasksAnswersAtOnce() {
    putKind(client, "values", ItemKind.DATA, "1");
    putKind(client, "values", ItemKind.STOP, "");
    client.send(new QueueJoin(52, "values", 60_000));
    assertEquals(List.of(new QueueJoinOk(52, "values", true, 0)), joins(client), "values and STOPs do not count");
  }

  @Test
  void aJoinAnswersOnceTheLastTaskFinishes() {
    CoreHarness.Peer w = h.worker("w", "echo");
    w.consume("jobs", 1);
    client.put("jobs", "t1", "echo", 3, 60_000);
    client.put("jobs", "t2", "echo", 3, 60_000);
    client.send(new QueueJoin(52, "jobs", 60_000));
    assertTrue(joins(client).isEmpty());
    w.complete(w.delivery(), "r1");
    assertTrue(joins(client).isEmpty(), "t2 is unfinished");
    w.complete(w.delivery(), "r2");
    assertEquals(List.of(new QueueJoinOk(52, "jobs", true, 0)), joins(client));
    h.advance(120_000);
    assertTrue(joins(client).isEmpty(), "answered once");
  }

  @Test
  void aJoinTimesOutWithTheUnfinishedCount() {
    client.put("jobs", "t1", "echo", 3, 60_000);
    client.send(new QueueJoin(52, "jobs", 1_000));
    h.advance(999);
    assertTrue(joins(client).isEmpty());
    h.advance(1);
    assertEquals(List.of(new QueueJoinOk(52, "jobs", false, 1)), joins(client));
    client.send(new QueueJoin(53, "jobs", 0));
    assertEquals(List.of(new QueueJoinOk(53, "jobs", false, 1)), joins(client), "timeout 0 only asks");
  }

  @Test
  void aJoinEndsWithItsConnectionAndJoinsAreCappedPerConnection() {
    client.put("jobs", "t1", "echo", 3, 60_000);
    CoreHarness.Peer gone = h.client("gone");
    gone.send(new QueueJoin(52, "jobs", 60_000));
    gone.close();
    for (int i = 0; i < dev.workq.server.LimitOptions.DEFAULT_MAX_WAITS_PER_CONNECTION; i++) {
      client.send(new QueueJoin(1000 + i, "jobs", 5_000));
    }
    client.send(new QueueJoin(99, "jobs", 5_000));
    List<ErrorReply> refused = client.conn.take(ErrorReply.class);
    assertEquals(1, refused.size());
    assertEquals(ErrorCode.WAIT_LIMIT, refused.get(0).code());
    assertEquals(99, refused.get(0).corr());
    int max = dev.workq.server.LimitOptions.DEFAULT_MAX_WAITS_PER_CONNECTION;
    assertEquals(new CoreBudgets.WaitCounts(max, max, 1), QueuePurgePeekTest.waitCounts(h), "joins count as waits");

    CoreHarness.Peer w = h.worker("w", "echo");
    w.consume("jobs", 1);
    w.complete(w.delivery(), "r1");
    assertEquals(dev.workq.server.LimitOptions.DEFAULT_MAX_WAITS_PER_CONNECTION, joins(client).size());
    assertTrue(gone.conn.take(QueueJoinOk.class).isEmpty(), "a closed connection's join is gone");
    client.send(new QueueJoin(100, "jobs", 5_000));
    assertEquals(List.of(new QueueJoinOk(100, "jobs", true, 0)), joins(client), "answered joins free their slots");
    assertEquals(0, QueuePurgePeekTest.waitCounts(h).held());
  }
}
