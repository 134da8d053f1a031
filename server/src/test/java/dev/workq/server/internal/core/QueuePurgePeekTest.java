package dev.workq.server.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.Deliver;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Payload;
import dev.workq.protocol.PeekedItem;
import dev.workq.protocol.Put;
import dev.workq.protocol.QueuePeek;
import dev.workq.protocol.QueuePeekOk;
import dev.workq.protocol.QueuePurge;
import dev.workq.protocol.QueuePurgeOk;
import dev.workq.protocol.QueueStats;
import dev.workq.protocol.TaskState;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** QUEUE_PURGE and QUEUE_PEEK on a fake clock: what they remove or show, and what they leave alone. */
class QueuePurgePeekTest {

  private final CoreHarness h = new CoreHarness(CoreHarness.config(3, 60_000, 100, 1_000), 11);
  private final CoreHarness.Peer client = h.client("c");

  static void putKind(CoreHarness.Peer p, String queue, ItemKind kind, String payload) {
    p.send(new Put(900 + kind.ordinal(), queue, kind, null, null, null, null, null, Payload.ofUtf8(payload)));
  }

  static <T> T now(CoreHarness h, CompletableFuture<T> f) {
    h.clock.runPending();
    return f.getNow(null);
  }

  static QueueStats stats(CoreHarness h, String queue) {
    return now(h, h.core.stats()).queues().stream().filter(q -> q.name().equals(queue)).findFirst().orElse(null);
  }

  static long heldBytes(CoreHarness h) {
    return now(h, h.core.snapshot()).budgets().heldBytes();
  }

  /** The waits and joins as a metrics snapshot reports them now. */
  static CoreBudgets.WaitCounts waitCounts(CoreHarness h) {
    return now(h, h.core.snapshot()).budgets().waits();
  }

  /** The retained results as a metrics snapshot reports them now. */
  static CoreBudgets.RetainedCounts retainedCounts(CoreHarness h) {
    return now(h, h.core.snapshot()).budgets().retained();
  }

  private QueuePurgeOk purge(String queue, boolean dead) {
    client.send(new QueuePurge(41, queue, dead));
    List<QueuePurgeOk> ok = client.conn.take(QueuePurgeOk.class);
    assertEquals(1, ok.size(), () -> "answer: " + client.conn.sent);
    return ok.get(0);
  }

  private QueuePeekOk peek(String queue, int limit) {
    client.send(new QueuePeek(42, queue, limit));
    return client.conn.take(QueuePeekOk.class).get(0);
  }

  @Test
  void purgeRemovesReadyDelayedAndStopsCountedBySortAndLeavesWhatIsInFlight() {
    CoreHarness.Peer w = h.worker("w", "echo");
    w.consume("jobs", 2);
    for (int i = 1; i <= 4; i++) {
      client.put("jobs", "t" + i, "echo", 3, 60_000);
    }
    List<Deliver> held = w.deliveries();
    assertEquals(List.of("t1", "t2"), LeaseExpiryTest.ids(held));
    w.fail(held.get(1), "boom");
    Deliver t3 = w.delivery();
    putKind(client, "jobs", ItemKind.DATA, "{\"v\":1}");
    putKind(client, "jobs", ItemKind.STOP, "");
    putKind(client, "jobs", ItemKind.STOP, "");
    QueueStats before = stats(h, "jobs");
    assertEquals(4, before.ready(), "t4, the value and two STOPs");
    assertEquals(1, before.delayed());

    QueuePurgeOk ok = purge("jobs", false);

    assertEquals(new QueuePurgeOk(41, "jobs", 2, 1, 2, 0), ok);
    QueueStats after = stats(h, "jobs");
    assertEquals(0, after.ready());
    assertEquals(0, after.delayed());
    assertEquals(0, after.stops());
    assertEquals(2, after.inFlight(), "t1 and t3 are left to finish");
    h.advance(5_000);
    assertTrue(w.deliveries().isEmpty(), "the purged retry does not come back");
    w.complete(held.get(0), "r1");
    w.complete(t3, "r3");
    assertTrue(w.conn.take(ErrorReply.class).isEmpty(), "the in-flight ones settle as usual");
    assertEquals(2, stats(h, "jobs.done").ready());
    purge("jobs.done", false);
    assertEquals(0, heldBytes(h), "every purged item's bytes are refunded");
  }

  @Test
  void deadLettersGoOnlyWhenAsked() {
    CoreHarness.Peer w = h.worker("w", "echo");
    w.consume("jobs", 1);
    client.put("jobs", "once", "echo", 1, 60_000);
    w.fail(w.delivery(), "boom");
    assertEquals(1, stats(h, "jobs").dead());

    assertEquals(new QueuePurgeOk(41, "jobs", 0, 0, 0, 0), purge("jobs", false));
    assertEquals(1, stats(h, "jobs").dead());
    assertEquals(new QueuePurgeOk(41, "jobs", 0, 0, 0, 1), purge("jobs", true));
    assertEquals(0, stats(h, "jobs").dead());
  }

  @Test
  void anUnknownQueueIsRefusedAndNotCreated() {
    client.send(new QueuePurge(41, "tpyo", true));
    client.send(new QueuePeek(42, "tpyo", 10));
    List<ErrorReply> errors = client.conn.take(ErrorReply.class);
    assertEquals(List.of(ErrorCode.UNKNOWN_QUEUE, ErrorCode.UNKNOWN_QUEUE), errors.stream().map(ErrorReply::code).toList());
    assertEquals("no queue named 'tpyo'", errors.get(0).message());
    assertNull(stats(h, "tpyo"));
  }

  @Test
  void peekListsReadyItemsInDeliveryOrderThenDelayedOnesWithoutTakingThem() {
    CoreHarness.Peer w = h.worker("w", "echo");
    w.consume("jobs", 1);
    client.put("jobs", "first", "echo", 3, 60_000);
    w.fail(w.delivery(), "boom");
    w.close();
    client.put("jobs", "a1", "alpha", 3, 60_000);
    client.put("jobs", "b1", "beta", 3, 60_000);
    putKind(client, "jobs", ItemKind.DATA, "{\"v\":2}");
    client.put("jobs", "a2", "alpha", 3, 60_000);

    QueuePeekOk all = peek("jobs", 10);
    assertEquals(4, all.ready());
    assertEquals(1, all.delayed());
    List<PeekedItem> items = all.items();
    assertEquals(List.of("a1", "b1"), items.subList(0, 2).stream().map(PeekedItem::id).toList());
    assertEquals(ItemKind.DATA, items.get(2).kind());
    assertEquals("a2", items.get(3).id());
    assertEquals(TaskState.READY, items.get(0).state());
    assertNull(items.get(0).notBefore());
    assertEquals("alpha", items.get(0).handler());
    assertEquals("a1".length(), items.get(0).bytes());
    assertEquals("a1", items.get(0).preview());
    PeekedItem retry = items.get(4);
    assertEquals("first", retry.id());
    assertEquals(TaskState.RETRYING, retry.state());
    assertEquals(1, retry.attempts());
    assertTrue(retry.notBefore() > h.clock.wallMillis(), "ready again after its backoff");

    assertEquals(List.of("a1", "b1"), peek("jobs", 2).items().stream().map(PeekedItem::id).toList());
    assertEquals(4, stats(h, "jobs").ready(), "a peek takes nothing");
    CoreHarness.Peer all2 = h.worker("all", "alpha", "beta");
    all2.consume("jobs", 1);
    assertEquals("a1", all2.delivery().id());
  }

  @Test
  void aPreviewIsCutAtACharacterBoundaryAndShowsBadBytesAsReplacements() {
    assertEquals("x".repeat(256), QueueOps.preview(Payload.ofUtf8("x".repeat(300))));
    assertEquals("short", QueueOps.preview(Payload.ofUtf8("short")));
    // é is two bytes: at bytes 255-256 it would be split, so it is left out.
    assertEquals("a".repeat(255), QueueOps.preview(Payload.ofUtf8("a".repeat(255) + "é and more")));
    // € is three bytes: at 254-256 it is left out; at 253-255 it fits.
    assertEquals("a".repeat(254), QueueOps.preview(Payload.ofUtf8("a".repeat(254) + "€€")));
    assertEquals("a".repeat(253) + "€", QueueOps.preview(Payload.ofUtf8("a".repeat(253) + "€€")));
    // A four-byte character ending exactly at the limit fits whole.
    assertEquals("a".repeat(252) + "😀", QueueOps.preview(Payload.ofUtf8("a".repeat(252) + "😀b")));
    assertEquals("a".repeat(253), QueueOps.preview(Payload.ofUtf8("a".repeat(253) + "😀b")));
    byte[] bad = "ok".getBytes(StandardCharsets.UTF_8);
    bad = Arrays.copyOf(bad, 3);
    bad[2] = (byte) 0xff;
    assertEquals("ok\uFFFD", QueueOps.preview(Payload.wrap(bad)));
    byte[] badAtCut = new byte[300];
    Arrays.fill(badAtCut, (byte) 0x80);
    String s = QueueOps.preview(Payload.wrap(badAtCut));
    assertFalse(s.isEmpty());
    assertTrue(s.chars().allMatch(c -> c == 0xFFFD), "stray continuation bytes read as U+FFFD");

    putKind(client, "jobs", ItemKind.DATA, "a".repeat(255) + "é");
    PeekedItem item = peek("jobs", 1).items().get(0);
    assertEquals(257, item.bytes());
    assertEquals("a".repeat(255), item.preview());
  }
}
