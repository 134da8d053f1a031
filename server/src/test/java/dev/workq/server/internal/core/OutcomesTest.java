package dev.workq.server.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.Deliver;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.QueueStats;
import dev.workq.protocol.StatsReply;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@link Outcomes} on a fake clock: ACK settles, RELEASE puts the item back first, and a COMPLETE
 * for a lease the connection no longer holds is refused and counted, so a task that ran twice
 * files one result.
 */
class OutcomesTest {

  private final CoreHarness h = new CoreHarness(CoreHarness.config(3, 1_000, 100, 1_000), 5);
  private final CoreHarness.Peer client = h.client("c");

  private StatsReply stats() {
    CompletableFuture<StatsReply> f = h.core.stats();
    h.clock.runPending();
    return f.getNow(null);
  }

  private QueueStats queue(String name) {
    return stats().queues().stream().filter(q -> q.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void anAckSettlesADataItem() {
    client.send(new dev.workq.protocol.Put(1, "inbox", dev.workq.protocol.ItemKind.DATA, null, null, null, null, null,
        dev.workq.protocol.Payload.ofUtf8("1")));
    CoreHarness.Peer reader = h.client("r");
    reader.consume("inbox", 1);
    reader.ack(reader.delivery());
    QueueStats q = queue("inbox");
    assertEquals(0, q.ready());
    assertEquals(0, q.inFlight());
    assertEquals(1, q.completed());
  }

  @Test
  void aReleasedItemIsDeliveredAgainBeforeLaterOnes() {
    client.put("jobs", "t1", "echo", 3, 1_000);
    client.put("jobs", "t2", "echo", 3, 1_000);
    CoreHarness.Peer w = h.worker("w", "echo");
    w.consume("jobs", 1);
    Deliver first = w.delivery();
    w.release(first);
    Deliver again = w.delivery();
    assertEquals("t1", again.id());
    assertEquals(2, again.attempts(), "a release counts the delivery it gives back");
  }

  @Test
  void aLateCompleteAfterTheLeaseMovedOnIsRefusedAndCountedAndFilesNoSecondResult() {
    client.put("jobs", "t1", "echo", 3, 1_000);
    CoreHarness.Peer slow = h.worker("slow", "echo");
    slow.consume("jobs", 1);
    Deliver lost = slow.delivery();
    h.advance(1_000 + BrokerCore.TICK_MS);
    CoreHarness.Peer fast = h.worker("fast", "echo");
    fast.consume("jobs", 1);
    fast.complete(fast.delivery(), "\"fast\"");

    slow.conn.sent.clear();
    slow.complete(lost, "\"slow\"");
    ErrorReply refused = slow.conn.take(ErrorReply.class).get(0);
    assertEquals(ErrorCode.UNKNOWN_DELIVERY, refused.code());
    assertTrue(refused.message().startsWith("COMPLETE for delivery " + lost.tag()), refused.message());
    assertEquals(1, stats().staleResults());
    assertEquals(1, queue("jobs.done").ready(), "one result on the done queue, the first");
  }
}
