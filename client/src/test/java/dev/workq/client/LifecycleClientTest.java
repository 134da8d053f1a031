package dev.workq.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.Fetch;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Put;
import dev.workq.protocol.QueueJoin;
import dev.workq.protocol.TaskWait;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The lifecycle calls (status, result, cancel, queue ops) and the new task options, against {@link FakeBroker}. */
class LifecycleClientTest {

  private final FakeBroker broker = new FakeBroker();
  private final WorkqClient client = WorkqClient.connect(broker.options().requestTimeout(Duration.ofSeconds(5)).build());

  @AfterEach
  void tearDown() {
    client.close();
    broker.close();
  }

  @Test
  void delayPriorityAndKeyGoOnThePut() {
    client.enqueue("q", "echo", 1, TaskOptions.builder().delay(Duration.ofSeconds(30)).priority(7).key("k-1").build());
    Put put = broker.puts.get(0);
    assertEquals(30_000L, put.delayMs());
    assertEquals(7, put.priority());
    assertEquals("k-1", put.key());
    client.enqueue("q", "echo", 1);
    Put plain = broker.puts.get(1);
    assertNull(plain.delayMs(), "no delay by default");
    assertNull(plain.priority(), "the broker's default priority, 0");
    assertNull(plain.key());
  }

  @Test
  void atBecomesTheDelayFromThisClientsClockAtSubmit() {
    TaskOptions in60s = TaskOptions.builder().at(Instant.now().plusSeconds(60)).build();
    long before = System.currentTimeMillis();
    client.enqueue("q", "echo", 1, in60s);
    long delay = broker.puts.get(0).delayMs();
    assertTrue(delay <= 60_000 && delay >= 60_000 - (System.currentTimeMillis() - before) - 1_000, "delay " + delay);
    assertEquals(5_000L, TaskOptions.builder().at(Instant.ofEpochMilli(10_000)).build().wireDelayMs(5_000));
    assertNull(TaskOptions.builder().at(Instant.ofEpochMilli(1_000)).build().wireDelayMs(5_000), "a time passed means at once");
    TaskOptions tooFar = TaskOptions.builder().at(Instant.now().plus(Duration.ofDays(400))).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> client.enqueue("q", "echo", 1, tooFar));
    assertTrue(e.getMessage().contains("366 days"), e.getMessage());
    assertEquals(1, broker.puts.size(), "nothing sent for the refused one");
  }

  @Test
  void delayAndAtReplaceEachOther() {
    TaskOptions atThenDelay = TaskOptions.builder().at(Instant.now().plusSeconds(99)).delay(Duration.ofMillis(250)).build();
    assertNull(atThenDelay.at());
    assertEquals(250L, atThenDelay.delayMs());
    TaskOptions delayThenAt = TaskOptions.builder().delay(Duration.ofSeconds(5)).at(Instant.EPOCH).build();
    assertNull(delayThenAt.delayMs());
    assertEquals(Instant.EPOCH, delayThenAt.at());
    assertNull(TaskOptions.builder().delay(Duration.ZERO).build().delayMs(), "zero is at once");
  }

  @Test
  void toBuilderKeepsEverySetting() {
    TaskOptions all = TaskOptions.builder().id("x").maxAttempts(2).lease(Duration.ofSeconds(1)).delay(Duration.ofSeconds(3))
        .priority(5).key("k").build();
    TaskOptions copy = all.toBuilder().build();
    assertEquals(List.of("x", 2, 1_000L, 3_000L, 5, "k"),
        List.of(copy.id(), copy.maxAttempts(), copy.leaseMs(), copy.delayMs(), copy.priority(), copy.key()));
    assertEquals(Instant.EPOCH, TaskOptions.builder().at(Instant.EPOCH).build().toBuilder().build().at());
  }

  @Test
  void badOptionsFailInTheCallersThreadNamingTheField() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TaskOptions.builder().priority(10)).getMessage().contains("priority"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TaskOptions.builder().priority(-1)).getMessage().contains("0..9"));
    TaskOptions.builder().priority(0).priority(Put.MAX_PRIORITY);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TaskOptions.builder().delay(Duration.ofSeconds(-1))).getMessage()
        .contains("delay"));
    assertThrows(IllegalArgumentException.class, () -> TaskOptions.builder().delay(Duration.ofDays(367)));
    assertThrows(IllegalArgumentException.class, () -> TaskOptions.builder().delay(null));
    assertThrows(IllegalArgumentException.class, () -> TaskOptions.builder().at(null));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TaskOptions.builder().key("")).getMessage().contains("key"));
    assertThrows(IllegalArgumentException.class, () -> TaskOptions.builder().key("x".repeat(201)));
    assertThrows(IllegalArgumentException.class, () -> TaskOptions.builder().key("a\nb"));
  }

  @Test
  void statusMapsEveryFieldAndSaysNotFoundForUnknownIds() {
    List<TaskStatus> s = client.status(List.of("t-1", "missing-2"));
    assertEquals(2, s.size());
    TaskStatus t = s.get(0);
    assertEquals("t-1", t.id());
    assertEquals(TaskState.DELAYED, t.state());
    assertEquals("delayed", t.state().word());
    assertEquals(Instant.ofEpochMilli(1_800_000_000_000L), t.notBefore());
    assertEquals(3, t.priority());
    assertEquals("k", t.key());
    assertEquals(TaskState.NOT_FOUND, s.get(1).state());
    assertEquals("not-found", s.get(1).state().word());
    assertFalse(s.get(1).found());
    assertEquals(TaskState.DELAYED, client.status("t-3").state());
  }

  @Test
  void statusAsksAThousandIdsAtATimeAndKeepsTheOrder() {
    List<String> ids = IntStream.range(0, 2500).mapToObj(i -> "t-" + i).toList();
    List<TaskStatus> s = client.status(ids);
    assertEquals(ids, s.stream().map(TaskStatus::id).toList());
    assertEquals(3, broker.lifecycle.size());
  }

  @Test
  void resultWaitsByIdAndTimesOutWithTheState() {
    TaskResult r = client.result("t-1", Duration.ofSeconds(5));
    assertTrue(r.ok());
    assertEquals(42, r.value().asInt());
    long asked = ((TaskWait) broker.lifecycle.get(0)).timeoutMs();
    assertTrue(asked > 4_500 && asked <= 5_000, "the wait asks for what is left of the timeout: " + asked);
    long start = System.nanoTime();
    WaitTimeoutException e = assertThrows(WaitTimeoutException.class, () -> client.result("running-1", Duration.ofMillis(300)));
    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(290), "waited the timeout");
    assertEquals(TaskState.RUNNING, e.state());
    assertEquals("task 'running-1' did not finish within 300 ms: it is running", e.getMessage());
    RemoteException unknown = assertThrows(RemoteException.class, () -> client.result("missing-1", Duration.ofSeconds(1)));
    assertEquals(ErrorCode.UNKNOWN_TASK, unknown.code());
    assertThrows(IllegalArgumentException.class, () -> client.result("t-1", Duration.ofSeconds(-1)));
    TaskResult acked = client.result("acked-1", Duration.ofSeconds(1));
    assertTrue(acked.ok(), "acked without a result: done, with no value");
    assertNull(acked.value());
  }

  @Test
  void aWaitLongerThanTheProtocolsMaximumIsAskedInPieces() throws Exception {
    client.async().result("t-1", Duration.ofHours(3)).get(5, TimeUnit.SECONDS);
    assertEquals(TaskWait.MAX_TIMEOUT_MS, ((TaskWait) broker.lifecycle.get(0)).timeoutMs());
    client.async().result("t-1", null).get(5, TimeUnit.SECONDS);
    assertEquals(TaskWait.MAX_TIMEOUT_MS, ((TaskWait) broker.lifecycle.get(1)).timeoutMs(), "no limit: an hour at a time");
  }

  @Test
  void cancelReportsWhatItDidAndUnknownTasksAreRemoteErrors() throws Exception {
    CancelResult c = client.cancel("t-1");
    assertTrue(c.cancelled());
    assertEquals(TaskState.READY, c.was());
    ExecutionException e = assertThrows(ExecutionException.class, () -> client.async().cancel("missing-1").get(5, TimeUnit.SECONDS));
    assertEquals(ErrorCode.UNKNOWN_TASK, assertInstanceOf(RemoteException.class, e.getCause()).code());
  }

  @Test
  void queueOperationsMapTheAnswers() {
    PurgeResult p = client.purge("q", true);
    assertEquals(new PurgeResult("q", 3, 2, 1, 4), p);
    assertEquals(10, p.total());
    assertEquals(0, client.purge("q", false).deadLetters());
    PeekResult peek = client.peek("q", 5);
    assertEquals(5, peek.ready());
    PeekedItem item = peek.items().get(0);
    assertEquals(ItemKind.TASK, item.kind());
    assertEquals(TaskState.DELAYED, item.state());
    assertEquals(Instant.ofEpochMilli(1_800_000_000_000L), item.notBefore());
    assertThrows(IllegalArgumentException.class, () -> client.peek("q", 0));
    assertThrows(IllegalArgumentException.class, () -> client.peek("q", 101));
    assertEquals(new CloseResult("q", 7, 2), client.closeQueue("q"));
    RemoteException unknown = assertThrows(RemoteException.class, () -> client.closeQueue("nope"));
    assertEquals(ErrorCode.UNKNOWN_QUEUE, unknown.code());
    assertEquals("UNKNOWN_QUEUE: no queue named 'nope'", unknown.getMessage());
  }

  @Test
  void joinReturnsOnceDrainedAndTimesOutWithTheUnfinishedCount() {
    client.join("q", Duration.ofSeconds(2));
    client.join("q");
    assertEquals(TaskWait.MAX_TIMEOUT_MS, ((QueueJoin) broker.lifecycle.get(1)).timeoutMs());
    WaitTimeoutException e = assertThrows(WaitTimeoutException.class, () -> client.join("busy", Duration.ofMillis(200)));
    assertEquals(4, e.unfinished());
    assertEquals("queue 'busy' still has 4 unfinished tasks after 200 ms", e.getMessage());
  }

  @Test
  void takeResultAsksForResultsOnlyAndATaskQueueIsRefused() {
    Optional<Delivery> d = client.takeResult("tasks.done", Duration.ofSeconds(1));
    assertEquals("r1", d.orElseThrow().id());
    assertTrue(((Fetch) broker.lifecycle.get(0)).resultsOnly());
    RemoteException e = assertThrows(RemoteException.class, () -> client.takeResult("tasks", Duration.ofSeconds(1)));
    assertEquals(ErrorCode.NOT_A_RESULT_QUEUE, e.code());
    assertTrue(e.getMessage().contains("did you mean 'tasks.done'?"), e.getMessage());
  }

  @Test
  void aSubmitDeduplicatedOntoAnotherTaskWaitsForThatTaskById() throws Exception {
    TaskResult r = client.tasks().submit("q", "echo", Map.of("n", 1), TaskOptions.builder().key("dup-1").build())
        .get(5, TimeUnit.SECONDS);
    assertEquals("first", r.id(), "the result of the task that held the key");
    assertEquals("first", ((TaskWait) broker.lifecycle.get(0)).id());
    assertTrue(client.tasks().pending().isEmpty());
  }

  @Test
  void terminateCancelsEveryPendingTask() throws Exception {
    broker.holdResults = true;
    client.tasks().submit("q", "echo", 1, TaskOptions.builder().id("pending-1").build());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (broker.puts.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(java.util.Set.of("pending-1"), client.tasks().pending());
    assertEquals(1, client.tasks().terminate());
    assertEquals("pending-1", ((dev.workq.protocol.TaskCancel) broker.lifecycle.get(0)).id());
  }
}
