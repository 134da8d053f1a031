package dev.workq.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.Put;
import dev.workq.protocol.QueueJoin;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Failover against fakes: when the first broker goes away, a client with two addresses carries on
 * with the second; what was waiting is sent again, subscriptions are re-opened into the same
 * listener, PUTs carry ids the client chose. Without failover a loss fails what waits, as before.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FailoverTest {

  private final FakeBroker first = new FakeBroker();
  private final FakeBroker second = new FakeBroker();

  @AfterEach
  void tearDown() {
    first.close();
    second.close();
  }

  private ClientOptions.Builder options() {
    return ClientOptions.builder(Map.of()).address(first.address() + "," + second.address())
        .connectTimeout(Duration.ofSeconds(2)).failoverTimeout(Duration.ofSeconds(10));
  }

  @Test
  void aLostBrokerIsReplacedWithoutTheCallerNoticing() throws Exception {
    try (WorkqClient c = WorkqClient.connect(options().build())) {
      assertEquals(42, c.tasks().submit("q", "echo", 42).get(5, TimeUnit.SECONDS).value().asInt(),
          "the pool works on the first broker");
      CompletableFuture<Void> join = c.async().join("busy", Duration.ofSeconds(1));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (first.lifecycle.stream().noneMatch(m -> m instanceof QueueJoin) && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }

      first.close();

      ExecutionException waited = assertThrows(ExecutionException.class, () -> join.get(10, TimeUnit.SECONDS));
      assertInstanceOf(WaitTimeoutException.class, waited.getCause(), "the join went to the second broker, which let it time out");
      assertTrue(second.lifecycle.stream().anyMatch(m -> m instanceof QueueJoin j && j.queue().equals("busy")));
      assertEquals(List.of(c.tasks().replyQueue()), second.consumes.stream().map(dev.workq.protocol.Consume::queue).toList(),
          "the pool's reply subscription was re-opened on the second broker");
      assertEquals(7, c.tasks().submit("q", "echo", 7).get(5, TimeUnit.SECONDS).value().asInt(),
          "results reach the same pool through the re-opened subscription");
      String id = c.put("values", "v");
      Put put = second.puts.get(second.puts.size() - 1);
      assertNotNull(put.id(), "in failover mode every PUT carries an id the client chose");
      assertEquals(put.id(), id);
      assertFalse(c.closeFuture().isDone());
    }
  }

  @Test
  void everyPutCarriesAClientChosenIdInFailoverModeOnly() {
    try (WorkqClient c = WorkqClient.connect(options().build())) {
      String a = c.put("q", 1);
      String b = c.put("q", 2);
      assertEquals(List.of(a, b), first.puts.stream().map(Put::id).toList());
      assertTrue(a.matches("[0-9a-z]+-1") && b.matches("[0-9a-z]+-2"), a + " " + b);
    }
    try (WorkqClient c = WorkqClient.connect(ClientOptions.builder(Map.of()).address(second.address()).build())) {
      c.put("q", 1);
      assertEquals(null, second.puts.get(0).id(), "one broker: the broker chooses, as before");
    }
  }

  @Test
  void withFailoverOffALossFailsWhatWaitsAsBefore() throws Exception {
    try (WorkqClient c = WorkqClient.connect(options().failover(false).build())) {
      CompletableFuture<Void> join = c.async().join("busy", Duration.ofSeconds(20));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (first.lifecycle.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      first.close();
      ExecutionException e = assertThrows(ExecutionException.class, () -> join.get(10, TimeUnit.SECONDS));
      assertInstanceOf(ConnectionClosedException.class, e.getCause());
      c.closeFuture().get(5, TimeUnit.SECONDS);
      assertTrue(second.hellos.isEmpty());
    }
  }

  @Test
  void noBrokerWithinTheFailoverTimeoutFailsWhatWaitsWithOneLine() throws Exception {
    try (WorkqClient c = WorkqClient.connect(options().failoverTimeout(Duration.ofMillis(1500)).build())) {
      CompletableFuture<Void> join = c.async().join("busy", Duration.ofSeconds(20));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (first.lifecycle.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      second.close();
      first.close();
      ExecutionException e = assertThrows(ExecutionException.class, () -> join.get(10, TimeUnit.SECONDS));
      String m = e.getCause().getMessage();
      assertInstanceOf(ConnectionClosedException.class, e.getCause());
      assertTrue(m.startsWith("lost the connection to " + first.address() + " and found no broker to fail over to: "), m);
      assertFalse(m.contains("\n"), m);
      c.closeFuture().get(5, TimeUnit.SECONDS);
    }
  }
}
