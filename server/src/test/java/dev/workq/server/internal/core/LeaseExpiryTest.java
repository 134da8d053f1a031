package dev.workq.server.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.Deliver;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.Ping;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Leases on a fake clock: expiry, renewal, and the suspicion an expiry casts on its holder. */
class LeaseExpiryTest {

  private static final long LEASE_MS = 1_000;
  private final CoreHarness h = new CoreHarness(CoreHarness.config(5, LEASE_MS, 100, 1_000), 1);
  private final CoreHarness.Peer client = h.client("c");

  @Test
  void aDeliveryNotRenewedGoesBackToTheFrontOfItsQueueWhenItsLeaseRunsOut() {
    client.put("jobs", "t1", "echo", 5, LEASE_MS);
    client.put("jobs", "t2", "echo", 5, LEASE_MS);
    CoreHarness.Peer a = h.worker("a", "echo");
    a.consume("jobs", 1);
    Deliver first = a.delivery();
    assertEquals("t1", first.id());

    h.advance(LEASE_MS - 1);
    CoreHarness.Peer b = h.worker("b", "echo");
    b.consume("jobs", 2);
    assertEquals(List.of("t2"), ids(b.deliveries()), "before its lease ends t1 stays with a");

    h.advance(1);
    Deliver again = b.delivery();
    assertEquals("t1", again.id(), "t1 is back, and b has credit for it");
    assertEquals(2, again.attempts());
  }

  @Test
  void theTaskGoesToTheFrontAheadOfTasksThatWereWaiting() {
    client.put("jobs", "t1", "echo", 5, LEASE_MS);
    CoreHarness.Peer a = h.worker("a", "echo");
    a.consume("jobs", 1);
    a.delivery();
    client.put("jobs", "t2", "echo", 5, LEASE_MS);
    client.put("jobs", "t3", "echo", 5, LEASE_MS);

    h.advance(LEASE_MS + BrokerCore.TICK_MS);
    CoreHarness.Peer b = h.worker("b", "echo");
    b.consume("jobs", 3);

    assertEquals(List.of("t1", "t2", "t3"), ids(b.deliveries()));
  }

  @Test
  void renewalsPushTheLeaseBack() {
    client.put("jobs", "t1", "echo", 5, LEASE_MS);
    CoreHarness.Peer a = h.worker("a", "echo");
    a.consume("jobs", 1);
    Deliver d = a.delivery();
    CoreHarness.Peer b = h.worker("b", "echo");
    b.consume("jobs", 1);

    h.advance(800);
    a.renew(d);
    h.advance(800);
    a.renew(d);
    h.advance(999);
    assertTrue(b.deliveries().isEmpty(), "renewed at 800 and 1600 ms, the lease runs to 2600 ms");

    h.advance(1);
    assertEquals("t1", b.delivery().id());
  }

  @Test
  void anExpiredLeaseMakesItsHolderASuspectThatGetsNoDeliveries() {
    client.put("jobs", "t1", "echo", 5, LEASE_MS);
    CoreHarness.Peer a = h.worker("a", "echo");
    a.consume("jobs", 10);
    a.delivery();

    h.advance(LEASE_MS);

    assertTrue(a.session.suspect);
    client.put("jobs", "t2", "echo", 5, LEASE_MS);
    h.advance(10 * LEASE_MS);
    assertTrue(a.deliveries().isEmpty(), "a has credit, but is suspect: neither t1 nor t2 goes to it");
  }

  @Test
  void aPingDoesNotClearTheSuspicion() {
    CoreHarness.Peer a = suspectHolding("t1").peer();

    // The pipeline answers a PING itself (see DispatchHandler); should one reach the core, it is
    // no request, and it still proves nothing about the application.
    a.send(new Ping(7));

    assertEquals(ErrorCode.PROTOCOL_ERROR, a.conn.take(ErrorReply.class).get(0).code());
    assertTrue(a.session.suspect);
    assertTrue(a.deliveries().isEmpty());
  }

  /** What a suspect sends about the delivery whose lease it lost: stale, and still a sign of life. */
  enum Sign { RENEW, ACK, COMPLETE, RELEASE }

  @ParameterizedTest
  @EnumSource(Sign.class)
  void anyRenewAckCompleteOrReleaseClearsTheSuspicionEvenAStaleOne(Sign sign) {
    Suspect suspect = suspectHolding("t1");
    CoreHarness.Peer a = suspect.peer();
    Deliver stale = suspect.expired();

    switch (sign) {
      case RENEW -> a.renew(stale);
      case ACK -> a.ack(stale);
      case COMPLETE -> a.complete(stale, "late");
      case RELEASE -> a.release(stale);
    }

    assertFalse(a.session.suspect);
    Deliver again = a.delivery();
    assertEquals("t1", again.id(), "the suspicion cleared, the waiting task goes to a again");
    assertEquals(2, again.attempts());
    if (sign != Sign.RENEW) {
      assertEquals(ErrorCode.UNKNOWN_DELIVERY, a.conn.take(ErrorReply.class).get(0).code(), "the stale " + sign + " is refused");
    }
  }

  /** A worker and the delivery whose lease it let expire. */
  record Suspect(CoreHarness.Peer peer, Deliver expired) {}

  /** A worker whose lease on task {@code id} expired: suspect, with the task ready again. */
  private Suspect suspectHolding(String id) {
    client.put("jobs", id, "echo", 5, LEASE_MS);
    CoreHarness.Peer a = h.worker("a", "echo");
    a.consume("jobs", 10);
    Deliver d = a.delivery();
    h.advance(LEASE_MS);
    assertTrue(a.session.suspect);
    return new Suspect(a, d);
  }

  static List<String> ids(List<Deliver> ds) {
    return ds.stream().map(Deliver::id).toList();
  }
}
