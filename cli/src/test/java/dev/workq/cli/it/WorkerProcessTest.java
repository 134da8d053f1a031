package dev.workq.cli.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.ClientOptions;
import dev.workq.client.QueueItem;
import dev.workq.client.TaskOptions;
import dev.workq.client.TaskResult;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.StatsReply;
import dev.workq.protocol.WorkerInfo;
import dev.workq.server.Broker;
import dev.workq.server.BrokerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The core behaviours with a real broker on port 0 and real worker JVM processes. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkerProcessTest {

  private Broker broker;
  private String address;
  private WorkerProcesses workers;
  private WorkqClient client;

  @BeforeEach
  void start() {
    broker = Broker.start(BrokerOptions.builder().port(0).build());
    address = "127.0.0.1:" + broker.port();
    workers = new WorkerProcesses();
    client = WorkqClient.connect(ClientOptions.builder().address(address).build());
  }

  @AfterEach
  void stop() throws InterruptedException {
    client.close();
    workers.close();
    broker.close();
  }

  private void awaitWorkers(int n) {
    await().atMost(Duration.ofSeconds(60)).until(() -> broker.stats().workers().size() == n);
  }

  private static String pidOf(String worker) {
    return worker.substring(worker.lastIndexOf(':') + 1);
  }

  @Test
  void everyResultArrivesExactlyOnceFromSeveralWorkerProcesses() throws Exception {
    for (int i = 0; i < 3; i++) {
      workers.start(address, "--concurrency", "2", "--prefetch", "4");
    }
    awaitWorkers(3);
    List<Map<String, Integer>> payloads = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      payloads.add(Map.of("i", i));
    }
    List<TaskResult> results = client.tasks().map("tasks", "echo", payloads, Duration.ofSeconds(60));
    assertEquals(300, results.size());
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      TaskResult r = results.get(i);
      assertTrue(r.ok(), r.error());
      assertEquals(i, r.value().get("i").asInt());
      assertTrue(ids.add(r.id()), "result " + r.id() + " arrived twice");
    }
    Set<String> pids = results.stream().map(r -> pidOf(r.worker())).collect(Collectors.toSet());
    Set<String> started = workers.all().stream().map(p -> "" + p.pid()).collect(Collectors.toSet());
    assertTrue(pids.size() > 1, "all results came from " + pids);
    assertTrue(started.containsAll(pids), pids + " are not all among " + started);
    assertEquals(0, client.tasks().duplicateResults());
    // Nothing is left over anywhere: no stray results, nothing in flight.
    await().atMost(Duration.ofSeconds(10)).until(() -> broker.stats().queues().stream()
        .allMatch(q -> q.ready() == 0 && q.inFlight() == 0));
  }

  @Test
  void tasksHeldByAKilledWorkerAreRunByAnotherAndNoneIsLost() throws Exception {
    Process doomed = workers.start(address, "--concurrency", "1", "--prefetch", "20");
    awaitWorkers(1);
    List<CompletableFuture<TaskResult>> futures = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      futures.add(client.tasks().submit("tasks", "sleep", Map.of("ms", 200)));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> heldBy(broker.stats(), doomed.pid()) == 20);
    doomed.destroyForcibly();
    doomed.waitFor(10, TimeUnit.SECONDS);
    workers.start(address, "--concurrency", "4", "--prefetch", "8");
    Set<String> ids = new HashSet<>();
    int redelivered = 0;
    for (CompletableFuture<TaskResult> f : futures) {
      TaskResult r = f.get(60, TimeUnit.SECONDS);
      assertTrue(r.ok(), r.error());
      assertTrue(ids.add(r.id()));
      if (r.attempts() > 1) {
        redelivered++;
        assertFalse(pidOf(r.worker()).equals("" + doomed.pid()));
      }
    }
    assertEquals(40, ids.size());
    assertTrue(redelivered >= 19, "only " + redelivered + " tasks were redelivered after the kill");
  }

  @Test
  void stopMakesEveryWorkerExitZeroAfterFinishingItsTasks() throws Exception {
    Process a = workers.start(address, "--concurrency", "2", "--prefetch", "4");
    Process b = workers.start(address, "--concurrency", "2", "--prefetch", "4");
    awaitWorkers(2);
    for (int i = 0; i < 8; i++) {
      client.async().enqueue("tasks", "sleep", Map.of("ms", 300)).get(10, TimeUnit.SECONDS);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> broker.stats().workers().stream().mapToInt(WorkerInfo::inFlight).sum() == 8);
    client.stopWorkers("tasks", 2);
    assertEquals(0, workers.awaitExit(a, 30), workers.log(a));
    assertEquals(0, workers.awaitExit(b, 30), workers.log(b));
    // Every task they held finished before they left: its result is on the done queue.
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 8; i++) {
      Optional<QueueItem> item = client.get("tasks.done", Duration.ofSeconds(5));
      assertTrue(item.isPresent(), "only " + i + " results on tasks.done");
      TaskResult r = item.get().asResult();
      assertTrue(r.ok(), r.error());
      assertEquals(1, r.attempts());
      ids.add(r.id());
    }
    assertEquals(8, ids.size());
    assertTrue(client.get("tasks.done", Duration.ofMillis(100)).isEmpty());
  }

  @Test
  void aThrowingHandlerGivesAnErrorResultAndTheWorkerGoesOn() throws Exception {
    Process w = workers.start(address, "--concurrency", "1");
    awaitWorkers(1);
    TaskResult failed = client.tasks().submit("tasks", "fail", Map.of("message", "boom"), TaskOptions.builder().maxAttempts(1).build())
        .get(30, TimeUnit.SECONDS);
    assertFalse(failed.ok());
    assertEquals("java.lang.IllegalStateException: boom", failed.error());
    assertEquals(null, failed.value());
    TaskResult echo = client.tasks().submit("tasks", "echo", List.of(1, 2)).get(30, TimeUnit.SECONDS);
    assertTrue(echo.ok());
    assertEquals("[1,2]", echo.value().toString());
    assertEquals("" + w.pid(), pidOf(echo.worker()));
    assertTrue(w.isAlive());
  }

  @Test
  void aTaskForAHandlerNoWorkerOffersWaitsUntilAWorkerThatHasItConnects(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
      throws Exception {
    workers.start(address, "--concurrency", "1");
    awaitWorkers(1);
    CompletableFuture<TaskResult> waiting = client.tasks().submit("tasks", "wordcount", Map.of("text", "a b a"));
    TaskResult echo = client.tasks().submit("tasks", "echo", 7).get(30, TimeUnit.SECONDS);
    assertTrue(echo.ok(), "tasks behind the waiting one still run");
    assertEquals(1, queue("tasks").waitingForHandler());
    assertEquals(1, queue("tasks").ready());
    assertFalse(waiting.isDone());
    // A rolling deploy brings a worker with the new handler: the task runs there.
    java.nio.file.Path jar = CustomHandlerJarTest.buildExampleJar(tmp);
    Process upgraded = workers.start(address, "--concurrency", "1", "--handlers", jar.toString());
    TaskResult r = waiting.get(60, TimeUnit.SECONDS);
    assertTrue(r.ok(), r.error());
    assertEquals(3, r.value().get("words").asInt());
    assertEquals("" + upgraded.pid(), pidOf(r.worker()));
    assertEquals(1, r.attempts(), "the task was never handed to the worker without the handler");
    assertEquals(0, queue("tasks").waitingForHandler());
  }

  @Test
  void sigtermFinishesTheRunningTaskHandsBackTheRestAndExitsZero() throws Exception {
    Process w = workers.start(address, "--concurrency", "1", "--prefetch", "5");
    awaitWorkers(1);
    List<CompletableFuture<TaskResult>> futures = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      futures.add(client.tasks().submit("tasks", "sleep", Map.of("ms", 1500)));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> heldBy(broker.stats(), w.pid()) == 5);
    Thread.sleep(300);
    w.destroy();
    assertEquals(0, workers.awaitExit(w, 20), workers.log(w));
    TaskResult first = futures.get(0).get(10, TimeUnit.SECONDS);
    assertTrue(first.ok(), "the running task finished before the worker left");
    assertEquals(4, queue("tasks").ready(), "the tasks it had not started are back on the queue");
    assertEquals(0, queue("tasks").redelivered(), "handed back, not lost: no attempt is counted as a crash");
    Process next = workers.start(address, "--concurrency", "4");
    for (CompletableFuture<TaskResult> f : futures.subList(1, 5)) {
      TaskResult r = f.get(60, TimeUnit.SECONDS);
      assertTrue(r.ok());
      assertEquals("" + next.pid(), pidOf(r.worker()));
    }
  }

  private dev.workq.protocol.QueueStats queue(String name) {
    return broker.stats().queues().stream().filter(q -> q.name().equals(name)).findFirst().orElseThrow();
  }

  private static int heldBy(StatsReply stats, long pid) {
    return stats.workers().stream().filter(w -> w.pid() == pid).mapToInt(WorkerInfo::inFlight).sum();
  }
}
