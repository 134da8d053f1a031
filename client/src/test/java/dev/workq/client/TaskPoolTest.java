package dev.workq.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link TaskPool} against a broker that runs every task itself and sends its result back at once. */
class TaskPoolTest {

  private final FakeBroker broker = new FakeBroker();
  private final WorkqClient client = WorkqClient.connect(broker.options().build());

  @AfterEach
  void tearDown() {
    client.close();
    broker.close();
  }

  @Test
  void submitCompletesWithTheResultOnTheCallbackThread() throws Exception {
    CompletableFuture<String> thread = new CompletableFuture<>();
    TaskResult r = client.tasks().submit("q", "echo", Map.of("n", 7))
        .whenComplete((ok, e) -> thread.complete(Thread.currentThread().getName()))
        .get(5, TimeUnit.SECONDS);
    assertTrue(r.ok());
    assertEquals(7, r.value().get("n").asInt());
    assertTrue(thread.get(5, TimeUnit.SECONDS).startsWith("workq-client-callbacks"), thread.get());
    assertEquals(client.tasks().replyQueue(), broker.puts.get(0).replyTo(), "the result comes back on the reply queue");
  }

  @Test
  void mapKeepsTheOrderAndImapUnorderedYieldsEveryResult() {
    List<TaskResult> mapped = client.tasks().map("q", "echo", List.of(1, 2, 3), Duration.ofSeconds(5));
    assertEquals(List.of(1, 2, 3), mapped.stream().map(r -> r.value().asInt()).toList());
    Iterator<TaskResult> it = client.tasks().imapUnordered("q", "echo", List.of(4, 5));
    List<Integer> seen = new ArrayList<>();
    it.forEachRemaining(r -> seen.add(r.value().asInt()));
    assertEquals(2, seen.size());
    assertTrue(seen.containsAll(List.of(4, 5)));
    assertEquals(0, client.tasks().duplicateResults());
  }

  @Test
  void submitRefusesADoneQueueAndPointsToEnqueue() {
    TaskOptions toDone = TaskOptions.builder().doneQueue("elsewhere").build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> client.tasks().submit("q", "echo", 1, toDone));
    assertTrue(e.getMessage().contains("use enqueue"), e.getMessage());
    assertTrue(e.getMessage().contains("'elsewhere'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> client.tasks().map("q", "echo", List.of(1), null, toDone));
    assertThrows(IllegalArgumentException.class, () -> client.tasks().imapUnordered("q", "echo", List.of(1), toDone));
    assertTrue(broker.puts.isEmpty(), "nothing was sent");
    assertTrue(client.enqueue("q", "echo", 1, toDone) != null, "enqueue takes it");
    assertEquals("elsewhere", broker.puts.get(0).replyTo());
  }
}
