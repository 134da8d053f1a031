package dev.workq.server.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.Deliver;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.Fetch;
import dev.workq.protocol.FetchEmpty;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A closing connection hands back what it held, in order; the shutdown notice. On a fake clock. */
class SessionCloseTest {

  private final CoreHarness h = new CoreHarness(CoreHarness.config(5, 60_000, 100, 1_000), 7);
  private final CoreHarness.Peer client = h.client("c");

  @Test
  void heldItemsGoBackToTheFrontOfTheirQueueInTheirOriginalOrder() {
    CoreHarness.Peer a = h.worker("a", "echo");
    CoreHarness.Peer b = h.worker("b", "echo");
    a.consume("jobs", 2);
    b.consume("jobs", 1);
    for (int i = 1; i <= 5; i++) {
      client.put("jobs", "t" + i, "echo", 5, 60_000);
    }
    assertEquals(List.of("t1", "t3"), LeaseExpiryTest.ids(a.deliveries()));
    assertEquals(List.of("t2"), LeaseExpiryTest.ids(b.deliveries()));

    a.close();

    CoreHarness.Peer c = h.worker("c", "echo");
    c.consume("jobs", 10);
    List<Deliver> again = c.deliveries();
    assertEquals(List.of("t1", "t3", "t4", "t5"), LeaseExpiryTest.ids(again), "t1 and t3 back in front, in order");
    assertEquals(List.of(2, 2, 1, 1), again.stream().map(Deliver::attempts).toList());
  }

  @Test
  void aClosedConnectionsFetchesEndAndItsConsumersTakeNothing() {
    CoreHarness.Peer a = h.worker("a", "echo");
    a.send(new Fetch(3, "jobs", 5_000));
    a.close();

    client.put("jobs", "t1", "echo", 5, 60_000);
    h.advance(10_000);

    assertTrue(a.conn.sent.isEmpty(), "nothing for a closed connection, not even its FETCH_EMPTY: " + a.conn.sent);
    CoreHarness.Peer b = h.worker("b", "echo");
    b.consume("jobs", 1);
    assertEquals("t1", b.delivery().id());
  }

  @Test
  void aFetchThatFindsNothingIsAnsweredEmptyAtItsTimeout() {
    CoreHarness.Peer a = h.worker("a", "echo");
    a.send(new Fetch(3, "jobs", 5_000));
    h.advance(4_999);
    assertTrue(a.conn.take(FetchEmpty.class).isEmpty());
    h.advance(1);
    assertEquals(3, a.conn.take(FetchEmpty.class).get(0).corr());
  }

  @Test
  void aShutdownTellsEveryPeerAndTurnsNewOnesAway() {
    CoreHarness.Peer a = h.worker("a", "echo");
    client.put("jobs", "t1", "echo", 5, 60_000);
    a.consume("jobs", 1);
    a.delivery();

    h.core.announceShutdown();
    h.clock.runPending();
    CoreHarness.Peer late = h.worker("late", "echo");

    for (CoreHarness.Peer p : List.of(a, client, late)) {
      assertEquals(ErrorCode.SHUTTING_DOWN, p.conn.take(ErrorReply.class).get(0).code());
      assertTrue(p.conn.closing);
    }
    a.close();
    dev.workq.protocol.QueueStats jobs = runStats().queues().stream().filter(q -> q.name().equals("jobs")).findFirst().orElseThrow();
    assertEquals(0, jobs.redelivered(), "a connection closed by the shutdown lost no task");
    assertEquals(1, jobs.inFlight(), "what it held stays as the journal has it");
  }

  private dev.workq.protocol.StatsReply runStats() {
    var f = h.core.stats();
    h.clock.runPending();
    return f.join();
  }
}
