package dev.workq.server.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.Complete;
import dev.workq.protocol.Consume;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Payload;
import org.junit.jupiter.api.Test;

/** The failed result the broker writes itself, in the JSON workers write, and when it writes one. */
class FailedResultTest {

  @Test
  void theBrokerWrittenResultIsTheJsonAWorkerWouldHaveWritten() {
    Item task = new Item(1, "t1", "jobs", ItemKind.TASK, "echo", "jobs.done", 3, 1_000, Payload.EMPTY);
    task.attempts = 3;

    assertEquals("{\"id\":\"t1\",\"ok\":false,\"value\":null,\"error\":\"dev.workq.WorkerLost: gone\",\"worker\":null,"
        + "\"attempts\":3,\"elapsedMs\":0}", Failures.failedResult(task, "dev.workq.WorkerLost: gone").utf8());
  }

  @Test
  void aResultTooLargeToDeliverFailsItsTaskForGoodWithAResultSayingSo() {
    CoreHarness h = new CoreHarness(CoreConfig.unbounded(1_000, 64, 3, 60_000, 100, 1_000), 5);
    CoreHarness.Peer client = h.client("c");
    CoreHarness.Peer worker = h.worker("w", "echo");
    client.put("jobs", "t1", "echo", 3, 60_000);
    worker.consume("jobs", 1);

    worker.send(new Complete(worker.delivery().tag(), true, null, false, Payload.ofUtf8("x".repeat(65))));
    h.advance(10_000);

    assertTrue(worker.deliveries().isEmpty(), "no retry: the same result would be too large again");
    client.send(new Consume(1, "jobs.done", 1, null));
    Deliver result = client.delivery();
    assertEquals("{\"id\":\"t1\",\"ok\":false,\"value\":null,\"error\":\"dev.workq.ResultTooLarge: result of 65 bytes is over "
        + "the limit of 64 bytes\",\"worker\":null,\"attempts\":1,\"elapsedMs\":0}", result.payload().utf8());
  }

  @Test
  void aWorkerLostOnItsLastAttemptLeavesAResultNamingTheLoss() {
    CoreHarness h = new CoreHarness(CoreHarness.config(1, 1_000, 100, 1_000), 5);
    CoreHarness.Peer client = h.client("c");
    CoreHarness.Peer worker = h.worker("w", "echo");
    client.put("jobs", "t1", "echo", 1, 1_000);
    worker.consume("jobs", 1);
    worker.delivery();

    worker.close();

    client.send(new Consume(1, "jobs.done", 1, null));
    assertEquals("{\"id\":\"t1\",\"ok\":false,\"value\":null,\"error\":\"dev.workq.WorkerLost: worker connection lost\","
        + "\"worker\":null,\"attempts\":1,\"elapsedMs\":0}", client.delivery().payload().utf8());
  }
}
