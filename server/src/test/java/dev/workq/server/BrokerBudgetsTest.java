package dev.workq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.BrokerStats;
import dev.workq.client.ClientOptions;
import dev.workq.client.RemoteException;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.Consume;
import dev.workq.protocol.ConsumeOk;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.QueueStats;
import dev.workq.protocol.StatsReply;
import dev.workq.protocol.StatsRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker's budgets on a real broker over TCP: bytes per queue and broker-wide, the queue and
 * consumer caps, queue deletion and paged STATS. Each budget, once reached, refuses with a clear
 * error and leaves every other peer served.
 */
class BrokerBudgetsTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  private Broker broker;
  private final List<AutoCloseable> resources = new ArrayList<>();

  @TempDir
  Path tmp;

  @AfterEach
  void tearDown() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void aQueueOverItsByteBudgetRefusesPutsWhileOtherQueuesTakeThem() {
    broker = Broker.start(BrokerOptions.builder().port(0).limits(l -> l.maxQueueBytes(100_000).maxMemoryBytes(8 << 20)).build());
    WorkqClient client = client();
    String item = "x".repeat(30_000);
    for (int i = 0; i < 3; i++) {
      client.put("big", item);
    }

    RemoteException e = assertThrows(RemoteException.class, () -> client.put("big", item));

    assertEquals(ErrorCode.QUEUE_FULL, e.code());
    assertTrue(e.getMessage().contains("'big'") && e.getMessage().contains("max-queue-bytes 100000"), e.getMessage());
    assertNotNull(client.put("other", item), "other queues still take puts");
    client.get("big", WAIT).orElseThrow();
    assertNotNull(client.put("big", item), "room again once an item is taken");
  }

  @Test
  void pastTheMemoryBudgetPutsGetMemoryLimitWhileDeliveriesAndAcksGoOn() {
    broker = Broker.start(BrokerOptions.builder().port(0).limits(l -> l.maxMemoryBytes(1 << 20).maxQueueBytes(1 << 20)).build());
    WorkqClient client = client();
    String item = "y".repeat(100_000);
    int accepted = 0;
    RemoteException refused = null;
    for (int i = 0; i < 30 && refused == null; i++) {
      try {
        client.put("q" + (i % 3), item);
        accepted++;
      } catch (RemoteException e) {
        refused = e;
      }
    }

    assertNotNull(refused, "puts past 1 MiB of items are refused");
    assertEquals(ErrorCode.MEMORY_LIMIT, refused.code());
    assertTrue(refused.getMessage().contains("max-memory-bytes"), refused.getMessage());
    assertTrue(accepted >= 8 && accepted <= 10, "about 1 MiB accepted, got " + accepted + " items of 100 kB");
    assertTrue(client.get("q0", WAIT).isPresent(), "deliveries and acks go on past the budget");
    assertNotNull(client.put("q1", item), "room again once an item is taken");
  }

  @Test
  void theQueueCapRefusesNewQueuesAndServesExistingOnes() throws Exception {
    broker = Broker.start(BrokerOptions.builder().port(0).limits(l -> l.maxQueues(5)).build());
    WorkqClient client = client();
    for (int i = 0; i < 5; i++) {
      client.put("q" + i, i);
    }

    RemoteException e = assertThrows(RemoteException.class, () -> client.put("q5", 5));

    assertEquals(ErrorCode.QUEUE_LIMIT, e.code());
    assertTrue(e.getMessage().contains("max-queues") && e.getMessage().contains("'q5'"), e.getMessage());
    assertNull(find(broker.stats(), "q5"), "a refused put creates no queue");
    assertNotNull(client.put("q4", "more"), "existing queues are served");
    try (RawPeer peer = RawPeer.connect(broker.port())) {
      peer.send(new Consume(3, "q6", 1));
      assertEquals(ErrorCode.QUEUE_LIMIT, peer.expect(ErrorReply.class).code());
    }
    assertEquals(0, client.deleteQueue("q0", true) - 1, "one item deleted with q0");
    assertNotNull(client.put("q5", 5), "a deleted queue makes room");
  }

  @Test
  void eachConnectionMayCreateOnlyItsShareOfQueues() {
    broker = Broker.start(BrokerOptions.builder().port(0).limits(l -> l.maxQueuesPerConnection(3)).build());
    WorkqClient a = client();
    for (int i = 0; i < 3; i++) {
      a.put("a" + i, i);
    }

    RemoteException e = assertThrows(RemoteException.class, () -> a.put("a3", 3));

    assertEquals(ErrorCode.QUEUE_LIMIT, e.code());
    assertTrue(e.getMessage().contains("max-queues-per-connection 3"), e.getMessage());
    assertNotNull(a.put("a0", "existing queues are fine"));
    assertNotNull(client().put("b0", "another connection has its own share"));
  }

  @Test
  void deletingAQueueIsRefusedWhileItIsUsedOrHoldsItemsUnlessForced() throws Exception {
    broker = Broker.start(BrokerOptions.builder().port(0).build());
    WorkqClient client = client();

    assertEquals(ErrorCode.UNKNOWN_QUEUE, assertThrows(RemoteException.class, () -> client.deleteQueue("nope", false)).code());
    try (RawPeer consumer = RawPeer.connect(broker.port())) {
      consumer.send(new Consume(1, "busy", 1));
      consumer.expect(ConsumeOk.class);
      RemoteException inUse = assertThrows(RemoteException.class, () -> client.deleteQueue("busy", false));
      assertEquals(ErrorCode.QUEUE_IN_USE, inUse.code());
      assertTrue(inUse.getMessage().contains("1 consumers"), inUse.getMessage());
      client.deleteQueue("busy", true);
      Deliver stop = consumer.expect(Deliver.class);
      assertEquals(ItemKind.STOP, stop.kind(), "forced, the deletion ends its consumer with a STOP");
    }
    client.put("full", 1);
    client.put("full", 2);
    RemoteException notEmpty = assertThrows(RemoteException.class, () -> client.deleteQueue("full", false));
    assertEquals(ErrorCode.QUEUE_NOT_EMPTY, notEmpty.code());
    assertTrue(notEmpty.getMessage().contains("2 ready"), notEmpty.getMessage());

    assertEquals(2, client.deleteQueue("full", true));

    assertNull(find(broker.stats(), "full"));
    assertTrue(client.get("full", Duration.ofMillis(50)).isEmpty(), "its items went with it");
  }

  @Test
  void aDeletedQueueAndItsItemsStayDeletedAfterARestart() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    broker = Broker.start(BrokerOptions.builder().port(0).durability(d -> d.dataDir(data)).build());
    WorkqClient client = client();
    client.put("gone", 1);
    client.put("gone", 2);
    client.put("kept", 3);
    assertEquals(2, client.deleteQueue("gone", true));
    client.close();
    broker.close();

    broker = Broker.start(BrokerOptions.builder().port(0).durability(d -> d.dataDir(data)).build());

    assertNull(find(broker.stats(), "gone"));
    assertEquals(1, find(broker.stats(), "kept").ready());
  }

  @Test
  void consumersPerConnectionAreCappedAndOtherConnectionsStillConsume() throws Exception {
    broker = Broker.start(BrokerOptions.builder().port(0).limits(l -> l.maxConsumersPerConnection(10)).build());
    try (RawPeer peer = RawPeer.connect(broker.port())) {
      for (int i = 1; i <= 11; i++) {
        peer.send(new Consume(i, "idle", 1));
      }
      for (int i = 1; i <= 10; i++) {
        peer.expect(ConsumeOk.class);
      }
      ErrorReply refused = peer.expect(ErrorReply.class);
      assertEquals(ErrorCode.CONSUMER_LIMIT, refused.code());
      assertTrue(refused.message().contains("max-consumers-per-connection 10"), refused.message());
      assertTrue(peer.isOpen(), "a refusal is not fatal");
    }
    WorkqClient other = client();
    other.put("work", "task");
    assertTrue(other.get("work", WAIT).isPresent());
  }

  @Test
  void aWorkerOffersAtMostSixteenDifferentHandlerListsAndItsConsumersShareThem() throws Exception {
    broker = Broker.start(BrokerOptions.builder().port(0).build());
    try (RawPeer worker = RawPeer.open(broker.port())) {
      worker.send(new dev.workq.protocol.Hello(dev.workq.protocol.ProtocolVersion.V1, dev.workq.protocol.Role.WORKER, "w",
          "h", 1, List.of()));
      worker.expect(dev.workq.protocol.Welcome.class);
      for (int i = 0; i < 16; i++) {
        worker.send(new Consume(i + 1, "q", 1, List.of("h" + i)));
        worker.expect(ConsumeOk.class);
        worker.send(new Consume(100 + i, "q", 1, List.of("h" + i)));
        worker.expect(ConsumeOk.class);
      }
      worker.send(new Consume(99, "q", 1, List.of("one-too-many")));
      ErrorReply refused = worker.expect(ErrorReply.class);
      assertEquals(ErrorCode.INVALID_REQUEST, refused.code());
      assertTrue(refused.message().contains("16 different lists"), refused.message());
      assertTrue(worker.isOpen(), "a refusal is not fatal");
      assertEquals(16, broker.stats().workers().get(0).handlers().size(), "the worker offers the 16 handlers it named");
    }
  }

  @Test
  void statsComeInPagesThatFitTheFrameAndTheClientJoinsThem() throws Exception {
    broker = Broker.start(BrokerOptions.builder().port(0).listen(l -> l.maxFrame(64 * 1024)).build());
    WorkqClient client = client();
    for (int i = 0; i < 1000; i++) {
      client.async().put(String.format("queue-%04d", i), i);
    }
    client.put("queue-0999", "barrier");

    try (RawPeer peer = RawPeer.connect(broker.port())) {
      peer.send(new StatsRequest(1));
      StatsReply first = peer.expect(StatsReply.class);
      assertNotNull(first.next(), "more than one page");
      assertTrue(first.queues().size() > 10 && first.queues().size() < 1000, "page of " + first.queues().size());
      peer.send(new StatsRequest(2, first.next()));
      StatsReply second = peer.expect(StatsReply.class);
      assertTrue(second.queues().get(0).name().compareTo(first.queues().get(first.queues().size() - 1).name()) > 0,
          "the second page starts after the first");
      peer.send(new StatsRequest(3, "bogus"));
      assertEquals(ErrorCode.INVALID_REQUEST, peer.expect(ErrorReply.class).code());
    }
    BrokerStats all = client.stats();
    assertEquals(1000, all.queues().size());
    for (int i = 0; i < 1000; i++) {
      assertEquals(String.format("queue-%04d", i), all.queues().get(i).name());
    }
  }

  @Test
  void anErrorOnTheCoreThreadStopsTheBrokerAndFailsItsCloseFuture() throws Exception {
    broker = Broker.start(BrokerOptions.builder().port(0).build());
    WorkqClient client = client();
    client.put("before", 1);

    broker.core().runForTest(() -> {
      throw new StackOverflowError("injected");
    });

    Throwable cause = assertThrows(java.util.concurrent.ExecutionException.class,
        () -> broker.closeFuture().get(10, java.util.concurrent.TimeUnit.SECONDS)).getCause();
    assertInstanceOf(StackOverflowError.class, cause);
    assertThrows(Exception.class, () -> {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", broker.port())) {
        s.getInputStream().read();
      }
    }, "the port is closed, so a health check fails too");
  }

  private WorkqClient client() {
    WorkqClient c = WorkqClient.connect(ClientOptions.builder().port(broker.port()).requestTimeout(WAIT).build());
    resources.add(c);
    return c;
  }

  private static QueueStats find(StatsReply stats, String name) {
    return stats.queues().stream().filter(q -> q.name().equals(name)).findFirst().orElse(null);
  }
}
