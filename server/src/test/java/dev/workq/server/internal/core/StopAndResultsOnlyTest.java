package dev.workq.server.internal.core;

import static dev.workq.server.internal.core.QueuePurgePeekTest.heldBytes;
import static dev.workq.server.internal.core.QueuePurgePeekTest.now;
import static dev.workq.server.internal.core.QueuePurgePeekTest.putKind;
import static dev.workq.server.internal.core.QueuePurgePeekTest.stats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.Consume;
import dev.workq.protocol.ConsumeOk;
import dev.workq.protocol.DeleteQueue;
import dev.workq.protocol.DeleteQueueOk;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.Fetch;
import dev.workq.protocol.FetchEmpty;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Message;
import dev.workq.protocol.Payload;
import dev.workq.protocol.Put;
import dev.workq.protocol.QueueClose;
import dev.workq.protocol.QueueStats;
import dev.workq.protocol.Revoke;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A STOP is held without a lease until acked and is not lost with its worker; results-only
 * consumers and fetches take results only and refuse task queues; a forced deletion ends what
 * uses the queue. On a fake clock.
 */
class StopAndResultsOnlyTest {

  private final CoreHarness h = new CoreHarness(CoreHarness.config(3, 1_000, 100, 1_000), 9);
  private final CoreHarness.Peer client = h.client("c");

  // ---- STOP ----

  @Test
  void aStopIsHeldWithoutALeaseUntilItsAckThenGone() {
    putKind(client, "jobs", ItemKind.STOP, "");
    CoreHarness.Peer a = h.worker("a", "echo");
    a.consume("jobs", 5);
    Deliver stop = a.delivery();
    assertEquals(ItemKind.STOP, stop.kind());
    assertEquals(0, stop.leaseMs());
    QueueStats held = stats(h, "jobs");
    assertEquals(0, held.ready());
    assertEquals(0, held.inFlight(), "a STOP is not a task in flight");
    assertEquals(1, held.stops(), "but it is pending");
    assertEquals(0, held.consumers(), "its consumer ended at once");
    assertEquals(0, now(h, h.core.leasesTracked()), "no lease to expire");

    h.advance(600_000);
    CoreHarness.Peer b = h.worker("b", "echo");
    b.consume("jobs", 5);
    assertTrue(b.deliveries().isEmpty(), "held however long its worker takes");
    assertEquals(0, stats(h, "jobs").completed());

    a.ack(stop);
    assertTrue(a.conn.take(ErrorReply.class).isEmpty());
    QueueStats acked = stats(h, "jobs");
    assertEquals(0, acked.stops());
    assertEquals(1, acked.completed());
    assertEquals(0, heldBytes(h));
    a.close();
    assertTrue(b.deliveries().isEmpty(), "an acked STOP does not come back with its worker's connection");
  }

  @Test
  void aWorkerThatDoesNotAckStopsConsumesItsStopOnDelivery() {
    putKind(client, "jobs", ItemKind.STOP, "");
    putKind(client, "jobs", ItemKind.STOP, "");
    CoreHarness.Peer old = h.legacyWorker("old", "echo");
    old.consume("jobs", 5);
    assertEquals(ItemKind.STOP, old.delivery().kind());
    QueueStats after = stats(h, "jobs");
    assertEquals(1, after.stops(), "the other STOP is still pending; the delivered one is gone, not held");
    assertEquals(1, after.completed());
    assertEquals(0, after.consumers(), "and it ended its consumer");

    old.close();

    assertEquals(1, stats(h, "jobs").stops(), "its exit hands no STOP on: the next worker is not stopped by it too");
    CoreHarness.Peer next = h.legacyWorker("next", "echo");
    next.consume("jobs", 5);
    assertEquals(ItemKind.STOP, next.delivery().kind());
    next.close();
    assertEquals(0, stats(h, "jobs").stops());
  }

  @Test
  void aStopNotAckedGoesBackToTheFrontWhenItsWorkerIsLost() {
    putKind(client, "jobs", ItemKind.STOP, "");
    putKind(client, "jobs", ItemKind.DATA, "v");
    client.put("jobs", "t1", "echo", 3, 60_000);
    CoreHarness.Peer a = h.worker("a", "echo");
    a.consume("jobs", 5);
    assertEquals(ItemKind.STOP, a.delivery().kind(), "the STOP ends a before it takes the rest");

    a.close();

    assertEquals(1, stats(h, "jobs").stops());
    assertEquals(3, stats(h, "jobs").ready(), "the STOP is ready again, in front of the value and t1");
    CoreHarness.Peer b = h.worker("b", "echo");
    b.consume("jobs", 5);
    Deliver again = b.delivery();
    assertEquals(ItemKind.STOP, again.kind());
    assertEquals(2, again.attempts());
    CoreHarness.Peer c = h.worker("c", "echo");
    c.consume("jobs", 5);
    assertEquals(List.of(ItemKind.DATA, ItemKind.TASK), c.deliveries().stream().map(Deliver::kind).toList());
  }

  @Test
  void aFetchedStopIsHeldUntilAckedToo() {
    putKind(client, "values", ItemKind.STOP, "");
    client.send(new Fetch(7, "values", 1_000));
    Deliver stop = client.delivery();
    assertEquals(ItemKind.STOP, stop.kind());
    assertEquals(1, stats(h, "values").stops());
    client.ack(stop);
    assertEquals(0, stats(h, "values").stops());
  }

  @Test
  void aStopTheBrokerMadeIsDroppedWhenItsWorkerIsLostAndTheNextWorkerGetsItsOwn() {
    CoreHarness.Peer a = h.worker("a", "echo");
    a.consume("jobs", 1);
    client.send(new QueueClose(3, "jobs"));
    assertEquals(ItemKind.STOP, a.delivery().kind());
    assertEquals(1, stats(h, "jobs").stops());

    a.close();

    assertEquals(0, stats(h, "jobs").stops());
    assertEquals(0, stats(h, "jobs").ready(), "not put back: the closed queue makes one per worker");
    assertEquals(0, heldBytes(h));
    CoreHarness.Peer b = h.worker("b", "echo");
    b.consume("jobs", 1);
    assertEquals(ItemKind.STOP, b.delivery().kind());
    assertEquals(List.of(), h.core.liveState().items(), "the broker's STOPs are not in a snapshot");
  }

  // ---- resultsOnly ----

  private static void putTaskWithReply(CoreHarness.Peer p, String queue, String id, String replyTo) {
    p.send(new Put(800, queue, ItemKind.TASK, id, "echo", replyTo, 3, 60_000L, Payload.ofUtf8(id)));
  }

  @Test
  void aResultsOnlyFetchOrConsumeOfATaskQueueIsRefusedAndTakesNothing() {
    client.put("tasks", "t1", "echo", 3, 60_000);
    client.send(new Fetch(5, "tasks", 1_000, true));
    client.send(new Consume(6, "tasks", 10, null, true));
    List<ErrorReply> refused = client.conn.take(ErrorReply.class);
    assertEquals(2, refused.size(), () -> "answers: " + refused);
    for (ErrorReply e : refused) {
      assertEquals(ErrorCode.NOT_A_RESULT_QUEUE, e.code());
      assertEquals("'tasks' holds tasks, not results; did you mean 'tasks.done'?", e.message());
    }
    QueueStats tasks = stats(h, "tasks");
    assertEquals(1, tasks.ready());
    assertEquals(0, tasks.delivered());
    assertEquals(0, tasks.consumers());
    assertTrue(client.deliveries().isEmpty());
  }

  @Test
  void aQueueAWorkerServesIsATaskQueueEvenWhenEmpty() {
    h.worker("w", "echo").consume("tasks", 1);
    client.send(new Fetch(5, "tasks", 1_000, true));
    assertEquals(ErrorCode.NOT_A_RESULT_QUEUE, client.conn.take(ErrorReply.class).get(0).code());
    h.worker("w2", "echo").consume("x.done", 1);
    client.send(new Fetch(6, "x.done", 1_000, true));
    assertEquals("'x.done' holds tasks, not results", client.conn.take(ErrorReply.class).get(0).message(),
        "no suggestion of a queue that does not exist for a name already ending in .done");
  }

  @Test
  void aResultsOnlyConsumerAndFetchTakeOnlyResultsAndLeaveStopsAndValues() {
    putKind(client, "mixed", ItemKind.DATA, "1");
    putKind(client, "mixed", ItemKind.STOP, "");
    putTaskWithReply(client, "jobs", "t1", "mixed");
    putTaskWithReply(client, "jobs", "t2", "mixed");
    CoreHarness.Peer w = h.worker("w", "echo");
    w.consume("jobs", 2);
    for (Deliver d : w.deliveries()) {
      w.complete(d, "result of " + d.id());
    }
    assertEquals(4, stats(h, "mixed").ready());

    CoreHarness.Peer results = h.client("results");
    results.send(new Consume(9, "mixed", 1, List.of(), true));
    assertEquals(1, results.conn.take(ConsumeOk.class).size());
    Deliver r1 = results.delivery();
    assertEquals(ItemKind.RESULT, r1.kind());
    assertEquals("t1", r1.id());
    results.ack(r1);
    Deliver r2 = results.delivery();
    assertEquals("t2", r2.id());
    results.ack(r2);
    assertTrue(results.deliveries().isEmpty(), "the value and the STOP are not results");
    QueueStats after = stats(h, "mixed");
    assertEquals(2, after.ready());
    assertEquals(1, after.consumers(), "no STOP reached it: it still consumes");

    CoreHarness.Peer fetcher = h.client("fetcher");
    fetcher.send(new Fetch(10, "mixed", 1_000, true));
    putTaskWithReply(client, "jobs", "t3", "mixed");
    fetcher.send(new Fetch(11, "mixed", 1_000, true));
    w.complete(w.delivery(), "r3");
    Deliver r3 = fetcher.delivery();
    assertEquals(10, r3.corr(), "the waiting fetch comes first");
    fetcher.ack(r3);
    h.advance(1_000);
    assertEquals(List.of(new FetchEmpty(11)), fetcher.conn.take(FetchEmpty.class), "the next one finds no result");
    assertEquals(2, stats(h, "mixed").ready(), "the value and the STOP are still there");
    client.send(new dev.workq.protocol.QueuePeek(12, "mixed", 10));
    assertEquals(List.of(ItemKind.DATA, ItemKind.STOP), client.conn.take(dev.workq.protocol.QueuePeekOk.class).get(0).items()
        .stream().map(dev.workq.protocol.PeekedItem::kind).toList(), "in their order still");
  }

  @Test
  void aResultsOnlyFetchOfAQueueNotYetMadeWaitsForItsResult() {
    client.send(new Fetch(5, "later.done", 60_000, true));
    assertTrue(client.conn.take(ErrorReply.class).isEmpty());
    client.put("later", "t1", "echo", 3, 60_000);
    CoreHarness.Peer w = h.worker("w", "echo");
    w.consume("later", 1);
    w.complete(w.delivery(), "r1");
    Deliver result = client.delivery();
    assertEquals(ItemKind.RESULT, result.kind());
    assertEquals(5, result.corr());
  }

  // ---- forced deletion ----

  @Test
  void aForcedDeletionStopsTheConsumersEndsFetchesAndDropsWhatIsInFlight() {
    CoreHarness.Peer w = h.worker("w", "echo");
    w.consume("jobs", 1);
    CoreHarness.Peer listener = h.client("listener");
    listener.consume("jobs", 1);
    client.put("jobs", "t1", "echo", 3, 60_000);
    client.put("jobs", "t2", "echo", 3, 60_000);
    Deliver t1 = w.delivery();
    Deliver t2 = listener.delivery();
    client.put("jobs", "t3", "echo", 3, 60_000);
    CoreHarness.Peer fetcher = h.client("fetcher");
    fetcher.send(new Fetch(4, "idle", 60_000));

    Message notForced = now(h, h.core.deleteQueue(new DeleteQueue(1, "jobs", false)));
    assertEquals(ErrorCode.QUEUE_IN_USE, ((ErrorReply) notForced).code());
    DeleteQueueOk ok = (DeleteQueueOk) now(h, h.core.deleteQueue(new DeleteQueue(2, "jobs", true)));
    assertEquals(1, ok.removed(), "t3 was ready");
    DeleteQueueOk idle = (DeleteQueueOk) now(h, h.core.deleteQueue(new DeleteQueue(3, "idle", true)));
    assertEquals(0, idle.removed());
    assertEquals(List.of(new FetchEmpty(4)), fetcher.conn.take(FetchEmpty.class));
    assertEquals(List.of(new Revoke(t1.tag(), "t1")), w.conn.take(Revoke.class), "the worker's handler is told to stop");
    assertEquals(List.of(new Revoke(t2.tag(), "t2")), listener.conn.take(Revoke.class));
    assertEquals(List.of(), fetcher.conn.take(Revoke.class), "only holders are revoked");

    Deliver stopW = w.delivery();
    Deliver stopL = listener.delivery();
    assertEquals(ItemKind.STOP, stopW.kind(), "the worker learns to stop instead of idling on a queue that is gone");
    assertEquals(ItemKind.STOP, stopL.kind());
    assertNull(stats(h, "jobs"));

    w.complete(t1, "late");
    listener.ack(t2);
    assertEquals(ErrorCode.UNKNOWN_DELIVERY, w.conn.take(ErrorReply.class).get(0).code(), "stale: its task is gone");
    assertEquals(ErrorCode.UNKNOWN_DELIVERY, listener.conn.take(ErrorReply.class).get(0).code());
    w.ack(stopW);
    listener.close();
    assertTrue(w.conn.take(ErrorReply.class).isEmpty(), "the STOP is acked as usual");
    assertNull(stats(h, "jobs"), "nothing brings the queue back");
    assertNull(stats(h, "jobs.done"), "no result is filed for a dropped task");
    assertEquals(0, now(h, h.core.leasesTracked()));
    assertEquals(0, heldBytes(h));
    assertEquals(List.of(), h.core.liveState().items());
  }

  @Test
  void aForcedDeletionFreesTheRevokedDeliveriesSlotsOnTheirConnectionAtOnce() {
    client.put("jobs", "t1", "echo", 3, 60_000);
    client.put("other", "o1", "echo", 3, 60_000);
    CoreHarness.Peer w = h.worker("w", "echo");
    w.consume("jobs", 1);
    w.consume("other", 1);
    List<Deliver> first = w.deliveries();
    assertEquals(List.of("t1", "o1"), first.stream().map(Deliver::id).toList());
    client.put("other", "o2", "echo", 3, 60_000);
    assertEquals(List.of(), w.deliveries(), "other's consumer has no credit left");

    now(h, h.core.deleteQueue(new DeleteQueue(1, "jobs", true)));

    assertEquals(List.of(new Revoke(first.get(0).tag(), "t1")), w.conn.take(Revoke.class));
    assertEquals(List.of(ItemKind.STOP), w.deliveries().stream().map(Deliver::kind).toList(), "jobs' consumer is stopped");
    assertEquals(1, now(h, h.core.leasesTracked()), "t1's lease is gone, o1's stays");
    w.complete(first.get(1), "{}");
    assertEquals("o2", w.delivery().id(), "the other queue is served as before");
  }

  @Test
  void aPutStopHeldWhenItsQueueIsDeletedDoesNotComeBack() {
    putKind(client, "jobs", ItemKind.STOP, "");
    CoreHarness.Peer a = h.worker("a", "echo");
    a.consume("jobs", 1);
    assertEquals(ItemKind.STOP, a.delivery().kind());
    assertEquals(ErrorCode.QUEUE_IN_USE,
        ((ErrorReply) now(h, h.core.deleteQueue(new DeleteQueue(1, "jobs", false)))).code(), "its STOP is in flight");
    now(h, h.core.deleteQueue(new DeleteQueue(2, "jobs", true)));
    assertEquals(List.of(), h.core.liveState().items(), "not in a snapshot");

    a.close();

    assertNull(stats(h, "jobs"));
    assertEquals(0, heldBytes(h));
  }
}
