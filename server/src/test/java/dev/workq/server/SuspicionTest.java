package dev.workq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.Ack;
import dev.workq.protocol.Consume;
import dev.workq.protocol.ConsumeOk;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Message;
import dev.workq.protocol.Payload;
import dev.workq.protocol.Ping;
import dev.workq.protocol.Pong;
import dev.workq.protocol.Put;
import dev.workq.protocol.PutOk;
import dev.workq.protocol.StatsReply;
import dev.workq.protocol.StatsRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A connection whose lease expired is suspect and gets no more deliveries until it shows it is
 * working. A PING is not such a sign: a client's heartbeat pings on its own while the
 * application above it is hung, and a hung consumer that pinged its way back would take, and
 * lose, task after task until they went to the dead letters.
 */
class SuspicionTest {

  private Broker broker;

  @AfterEach
  void tearDown() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void aHungConsumerThatOnlyPingsGetsNoMoreTasksAndTheyGoToAHealthyOne() throws Exception {
    broker = Broker.start(BrokerOptions.builder().port(0).build());
    try (RawPeer producer = RawPeer.connect(broker.port());
        RawPeer hung = RawPeer.connect(broker.port())) {
      hung.send(new Consume(1, "tasks", 1));
      hung.expect(ConsumeOk.class);
      for (int i = 0; i < 3; i++) {
        producer.send(new Put(10 + i, "tasks", ItemKind.DATA, "t" + i, null, null, 3, 150L, Payload.ofUtf8("" + i)));
        producer.expect(PutOk.class);
      }
      Deliver first = hung.expect(Deliver.class);
      assertEquals("t0", first.id());

      // The lease (150 ms) expires; the hung consumer keeps pinging, well past it.
      for (int i = 0; i < 10; i++) {
        hung.send(new Ping(i));
        assertInstanceOf(Pong.class, hung.next());
        Thread.sleep(50);
      }
      hung.send(new StatsRequest(99));
      Message barrier = hung.next();
      assertInstanceOf(StatsReply.class, barrier, "no delivery reached the suspect consumer: " + barrier);

      try (RawPeer healthy = RawPeer.connect(broker.port())) {
        healthy.send(new Consume(2, "tasks", 3));
        healthy.expect(ConsumeOk.class);
        for (String id : new String[] {"t0", "t1", "t2"}) {
          Deliver d = healthy.expect(Deliver.class);
          assertEquals(id, d.id(), "every task, the expired one first, goes to the healthy consumer");
          healthy.send(new Ack(d.tag()));
        }
      }

      // A late ack shows the suspect consumer works after all: it may take tasks again.
      hung.send(new Ack(first.tag()));
      assertInstanceOf(ErrorReply.class, hung.next(), "the late ack itself is stale");
      producer.send(new Put(20, "tasks", ItemKind.DATA, "t3", null, null, 3, 30_000L, Payload.ofUtf8("3")));
      producer.expect(PutOk.class);
      assertEquals("t3", hung.expect(Deliver.class).id());
      assertTrue(broker.stats().queues().stream().noneMatch(q -> q.dead() > 0));
    }
  }
}
