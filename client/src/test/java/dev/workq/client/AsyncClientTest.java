package dev.workq.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link AsyncClient}'s futures, the paged STATS read as one, and a broker that goes silent. */
class AsyncClientTest {

  private final FakeBroker broker = new FakeBroker();

  @AfterEach
  void tearDown() {
    broker.close();
  }

  @Test
  void futuresCompleteOnTheCallbackExecutorNotTheIoThread() throws Exception {
    try (ClientResources resources = ClientResources.builder().callbackThreads(1).build();
        WorkqClient client = WorkqClient.connect(broker.options().build(), resources)) {
      // Hold the one callback thread, so the future cannot complete before its action is attached
      // (an action attached to a completed future runs on the caller's thread, proving nothing).
      CountDownLatch hold = new CountDownLatch(1);
      resources.callbackExecutor().execute(() -> {
        try {
          hold.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      CompletableFuture<String> thread = new CompletableFuture<>();
      CompletableFuture<String> put = client.async().put("q", 1).whenComplete((v, e) -> thread.complete(Thread.currentThread().getName()));
      hold.countDown();
      String id = put.get(5, TimeUnit.SECONDS);
      assertTrue(id.startsWith("item-"), id);
      assertTrue(thread.get(5, TimeUnit.SECONDS).startsWith("workq-client-callbacks"), thread.get());
    }
  }

  @Test
  void statsReadsEveryPageIntoOneValue() throws Exception {
    try (WorkqClient client = WorkqClient.connect(broker.options().build())) {
      BrokerStats stats = client.async().stats().get(5, TimeUnit.SECONDS);
      assertEquals(List.of("a", "b"), stats.queues().stream().map(QueueStats::name).toList());
      assertEquals(12, stats.queue("b").orElseThrow().stops());
      assertEquals(2, stats.clients());
      assertEquals(99, stats.journalBytes());
      assertEquals(stats, client.stats(), "the blocking call reads the same");
    }
  }

  @Test
  void aBrokerThatStopsAnsweringIsClosedByTheHeartbeatWithTheReason() throws Exception {
    broker.answerPings = false;
    ClientOptions options = broker.options().heartbeat(Duration.ofMillis(20)).heartbeatTimeout(Duration.ofMillis(100)).build();
    try (WorkqClient client = WorkqClient.connect(options)) {
      client.closeFuture().get(10, TimeUnit.SECONDS);
      ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
          () -> client.async().put("q", 1).get(5, TimeUnit.SECONDS));
      ConnectionClosedException closed = assertInstanceOf(ConnectionClosedException.class, e.getCause());
      assertTrue(closed.getMessage().contains("heartbeat timeout 100 ms"), closed.getMessage());
      assertTrue(closed.getMessage().contains(broker.address()), closed.getMessage());
    }
  }

  @Test
  void aPlainClientSaysClientInItsHello() {
    try (WorkqClient client = WorkqClient.connect(broker.options().name("me").build())) {
      assertEquals(dev.workq.protocol.Role.CLIENT, broker.hellos.get(0).role());
      assertEquals("me", broker.hellos.get(0).name());
    }
  }
}
