package dev.workq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.Fetch;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Payload;
import dev.workq.protocol.PeekedItem;
import dev.workq.protocol.Put;
import dev.workq.protocol.PutOk;
import dev.workq.protocol.QueueClose;
import dev.workq.protocol.QueueCloseOk;
import dev.workq.protocol.QueueJoin;
import dev.workq.protocol.QueueJoinOk;
import dev.workq.protocol.QueuePeek;
import dev.workq.protocol.QueuePeekOk;
import dev.workq.protocol.QueuePurge;
import dev.workq.protocol.QueuePurgeOk;
import dev.workq.protocol.StatsReply;
import dev.workq.protocol.StatsRequest;
import dev.workq.protocol.TaskState;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The queue requests over the wire (protocol 1, JSON), against an in-process broker on port 0. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QueueOpsWireTest {

  private static Put put(long corr, ItemKind kind, String id) {
    return new Put(corr, "jobs", kind, id, kind == ItemKind.TASK ? "echo" : null, null, null, null, Payload.ofUtf8("{\"n\":1}"));
  }

  @Test
  void peekResultsOnlyCloseJoinAndPurgeAnswerOverTheWire() throws Exception {
    try (Broker broker = Broker.start(BrokerOptions.builder().port(0).build());
        RawPeer peer = RawPeer.connect(broker.port())) {
      peer.send(put(1, ItemKind.TASK, "t1"));
      peer.expect(PutOk.class);
      peer.send(put(2, ItemKind.TASK, "t2"));
      peer.expect(PutOk.class);
      peer.send(put(3, ItemKind.STOP, null));
      peer.expect(PutOk.class);

      peer.send(new QueuePeek(4, "jobs", 2));
      QueuePeekOk peeked = peer.expect(QueuePeekOk.class);
      assertEquals(3, peeked.ready());
      assertEquals(List.of("t1", "t2"), peeked.items().stream().map(PeekedItem::id).toList());
      assertEquals(TaskState.READY, peeked.items().get(0).state());
      assertEquals("{\"n\":1}", peeked.items().get(0).preview());

      peer.send(new Fetch(5, "jobs", 1_000, true));
      ErrorReply notResults = peer.expect(ErrorReply.class);
      assertEquals(ErrorCode.NOT_A_RESULT_QUEUE, notResults.code());
      assertEquals("'jobs' holds tasks, not results; did you mean 'jobs.done'?", notResults.message());

      peer.send(new QueueClose(6, "jobs"));
      assertEquals(new QueueCloseOk(6, "jobs", 2, 0), peer.expect(QueueCloseOk.class));
      peer.send(put(7, ItemKind.TASK, "t3"));
      assertEquals(ErrorCode.QUEUE_CLOSED, peer.expect(ErrorReply.class).code());

      peer.send(new QueueJoin(8, "jobs", 200));
      assertEquals(new QueueJoinOk(8, "jobs", false, 2), peer.expect(QueueJoinOk.class));
      peer.send(new QueuePurge(9, "jobs", false));
      assertEquals(new QueuePurgeOk(9, "jobs", 2, 0, 1, 0), peer.expect(QueuePurgeOk.class));
      peer.send(new QueueJoin(10, "jobs", 200));
      assertEquals(new QueueJoinOk(10, "jobs", true, 0), peer.expect(QueueJoinOk.class));

      peer.send(new StatsRequest(11, null));
      StatsReply stats = peer.expect(StatsReply.class);
      assertTrue(stats.queues().stream().filter(q -> q.name().equals("jobs")).findFirst().orElseThrow().closed());
    }
  }
}
