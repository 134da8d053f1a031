package dev.workq.server.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.DeleteQueue;
import dev.workq.protocol.DeleteQueueOk;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Message;
import dev.workq.protocol.Payload;
import dev.workq.protocol.Put;
import dev.workq.protocol.PutOk;
import dev.workq.protocol.QueueStats;
import dev.workq.protocol.StatsReply;
import dev.workq.server.BrokerOptions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@link Queues} and {@link Intake} on a fake clock: a put is confirmed and becomes deliverable,
 * a task's result is filed on its done queue (or its submitter's reply queue, which goes away
 * once drained), queue caps refuse without leaving a queue behind, and deletion.
 */
class QueuesAndIntakeTest {

  private final CoreHarness h = new CoreHarness(CoreHarness.config(3, 1_000, 100, 1_000), 3);
  private final CoreHarness.Peer client = h.client("c");

  private <T> T now(CompletableFuture<T> f) {
    h.clock.runPending();
    return f.getNow(null);
  }

  private List<String> queueNames() {
    return now(h.core.stats()).queues().stream().map(QueueStats::name).toList();
  }

  @Test
  void aPutIsConfirmedWithItsIdAndDeliveredFifo() {
    client.send(new Put(1, "jobs", ItemKind.TASK, "mine", "echo", null, null, null, Payload.ofUtf8("1")));
    client.put("jobs", "echo", "2");
    List<PutOk> oks = client.conn.take(PutOk.class);
    assertEquals(2, oks.size());
    assertEquals("mine", oks.get(0).id(), "a given id is kept");
    assertFalse(oks.get(1).id().isEmpty(), "the broker makes one otherwise");

    CoreHarness.Peer w = h.worker("w", "echo");
    w.consume("jobs", 10);
    List<Deliver> ds = w.deliveries();
    assertEquals(List.of("mine", oks.get(1).id()), ds.stream().map(Deliver::id).toList());
    assertEquals("jobs.done", ds.get(0).replyTo(), "a task without replyTo answers on <queue>.done");
  }

  @Test
  void aResultIsFiledOnTheDoneQueueAndATaskWhoseDoneQueueCannotBeNamedIsRefused() {
    client.put("jobs", "t1", "echo", 3, 1_000);
    CoreHarness.Peer w = h.worker("w", "echo");
    w.consume("jobs", 1);
    w.complete(w.delivery(), "{\"r\":1}");

    CoreHarness.Peer reader = h.client("reader");
    reader.consume("jobs.done", 1);
    Deliver result = reader.delivery();
    assertEquals(ItemKind.RESULT, result.kind());
    assertEquals("t1", result.id());
    assertEquals("{\"r\":1}", result.payload().utf8());

    client.conn.sent.clear();
    String longest = "q".repeat(dev.workq.protocol.Validate.MAX_QUEUE_NAME);
    client.put(longest, "echo", "{}");
    ErrorReply refused = client.conn.take(ErrorReply.class).get(0);
    assertEquals(ErrorCode.INVALID_REQUEST, refused.code());
    assertTrue(refused.message().contains("name a replyTo"), refused.message());
  }

  @Test
  void aReplyQueueGoesAwayOnceItsLastResultIsTaken() {
    client.send(new Put(1, "jobs", ItemKind.TASK, "t1", "echo", "_reply.abc", null, null, Payload.ofUtf8("1")));
    CoreHarness.Peer w = h.worker("w", "echo");
    w.consume("jobs", 1);
    w.complete(w.delivery(), "1");
    assertTrue(queueNames().contains("_reply.abc"));

    client.consume("_reply.abc", 1);
    client.ack(client.delivery());
    client.close();
    assertFalse(queueNames().contains("_reply.abc"), "an idle reply queue is collected: " + queueNames());
    assertTrue(queueNames().contains("jobs"), "an ordinary queue stays");
  }

  @Test
  void aPutOverTheQueueCapIsRefusedAndLeavesNoQueueBehind() {
    CoreConfig capped = CoreConfig.of(BrokerOptions.builder().limits(l -> l.maxQueues(2)).build());
    CoreHarness c = new CoreHarness(capped, 4);
    CoreHarness.Peer p = c.client("p");
    p.put("a", "echo", "1");
    p.put("b", "echo", "1");
    p.put("c", "echo", "1");
    List<ErrorReply> errors = p.conn.take(ErrorReply.class);
    assertEquals(1, errors.size());
    assertEquals(ErrorCode.QUEUE_LIMIT, errors.get(0).code());
    c.clock.runPending();
    CompletableFuture<StatsReply> stats = c.core.stats();
    c.clock.runPending();
    assertEquals(List.of("a", "b"), stats.getNow(null).queues().stream().map(QueueStats::name).sorted().toList());
  }

  @Test
  void aQueueInUseOrNotEmptyIsNotDeletedUnlessForcedAndThenItsItemsGoWithIt() {
    client.put("jobs", "echo", "1");
    client.put("jobs", "echo", "2");
    Message refused = now(h.core.deleteQueue(new DeleteQueue(1, "jobs", false)));
    assertEquals(ErrorCode.QUEUE_NOT_EMPTY, ((ErrorReply) refused).code());

    CoreHarness.Peer w = h.client("consumer");
    w.consume("other", 1);
    Message inUse = now(h.core.deleteQueue(new DeleteQueue(2, "other", false)));
    assertEquals(ErrorCode.QUEUE_IN_USE, ((ErrorReply) inUse).code(), "not forced: someone consumes it");

    DeleteQueueOk ok = (DeleteQueueOk) now(h.core.deleteQueue(new DeleteQueue(3, "jobs", true)));
    assertEquals(2, ok.removed());
    assertFalse(queueNames().contains("jobs"));
    Message unknown = now(h.core.deleteQueue(new DeleteQueue(4, "jobs", true)));
    assertEquals(ErrorCode.UNKNOWN_QUEUE, ((ErrorReply) unknown).code());
  }
}
