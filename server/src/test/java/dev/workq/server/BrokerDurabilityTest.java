package dev.workq.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.ClientOptions;
import dev.workq.client.DeadLetterPage;
import dev.workq.client.Delivery;
import dev.workq.client.QueueItem;
import dev.workq.client.RemoteException;
import dev.workq.client.TaskOptions;
import dev.workq.client.TaskResult;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.QueueStats;
import dev.workq.server.internal.journal.FaultInjectingStorage;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker's promises about what survives: a restart replays the journal, retries end in the
 * dead letters, a full disk refuses puts without losing what was accepted, a full queue refuses
 * or waits. In-process broker on port 0 with a journal in a temp directory.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BrokerDurabilityTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path dataDir;

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private Broker start(BrokerOptions.Builder options) {
    Broker b = Broker.start(options.port(0).durability(d -> d.dataDir(dataDir)).build());
    open.add(b);
    return b;
  }

  private BrokerOptions.Builder options() {
    return BrokerOptions.builder().delivery(d -> d.retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50)));
  }

  private WorkqClient client(Broker b) {
    WorkqClient c = WorkqClient.connect(ClientOptions.builder().port(b.port()).requestTimeout(Duration.ofSeconds(5)).build());
    open.add(c);
    return c;
  }

  private static QueueStats queue(Broker b, String name) {
    return b.stats().queues().stream().filter(q -> q.name().equals(name)).findFirst().orElse(null);
  }

  /** A stand-in worker: completes every task with {@code ok} and a result naming it. */
  private static void work(WorkqClient c, String queue, int prefetch, boolean ok) {
    c.consume(queue, prefetch, d -> {
      String result = "{\"id\":\"" + d.id() + "\",\"ok\":" + ok + ",\"value\":" + (ok ? d.payload().utf8() : "null")
          + ",\"error\":" + (ok ? "null" : "\"java.lang.IllegalStateException: no\"") + ",\"worker\":\"test:1\",\"attempts\":"
          + d.attempts() + ",\"elapsedMs\":0}";
      if (ok) {
        d.complete(result.getBytes(StandardCharsets.UTF_8));
      } else {
        d.fail("java.lang.IllegalStateException: no", false, result.getBytes(StandardCharsets.UTF_8));
      }
    });
  }

  @Test
  void restartReplaysQueuedTasksResultsAndDeadLettersAndReturnsInFlightTasks() throws Exception {
    Broker first = start(options().delivery(d -> d.maxAttempts(1)));
    WorkqClient c = client(first);
    for (int i = 0; i < 10; i++) {
      c.async().enqueue("jobs", "echo", i, TaskOptions.builder().id("job-" + i).build()).get(5, TimeUnit.SECONDS);
    }
    c.async().enqueue("poison", "echo", 0, TaskOptions.builder().id("poison-0").build()).get(5, TimeUnit.SECONDS);
    List<Delivery> held = new CopyOnWriteArrayList<>();
    WorkqClient worker = client(first);
    worker.consume("jobs", 3, held::add);
    await().atMost(WAIT).until(() -> held.size() == 3);
    held.get(0).complete("{\"id\":\"job-0\",\"ok\":true}".getBytes(StandardCharsets.UTF_8));
    held.get(1).ack();
    work(client(first), "poison", 1, false);
    await().atMost(WAIT).until(() -> queue(first, "poison").dead() == 1);
    c.put("inbox", Map.of("hello", "world"));
    long firstEpochTag = held.get(2).tag();
    first.close();

    Broker second = start(options());
    assertEquals(8, queue(second, "jobs").ready(), "7 never delivered + 1 in flight at the stop come back");
    assertEquals(0, queue(second, "jobs").inFlight());
    assertEquals(1, queue(second, "jobs.done").ready(), "job-0's result");
    assertEquals(1, queue(second, "poison.done").ready(), "poison's final error result");
    assertEquals(1, queue(second, "poison").dead());
    WorkqClient again = client(second);
    Optional<QueueItem> first8 = again.get("jobs", Duration.ofSeconds(1));
    assertEquals("job-2", first8.orElseThrow().id(), "the task in flight at the stop is back at the front, in order");
    DeadLetterPage dead = again.deadLetters("poison", 10);
    assertEquals(List.of("java.lang.IllegalStateException: no"), dead.items().get(0).errors());
    assertEquals(Map.of("hello", "world"), again.get("inbox", Duration.ofSeconds(1)).orElseThrow().as(Map.class));
    List<Delivery> later = new CopyOnWriteArrayList<>();
    again.consume("jobs", 1, later::add);
    await().atMost(WAIT).until(() -> later.size() == 1);
    assertTrue(later.get(0).tag() > firstEpochTag, "lease tokens of a new broker run are never those of the last");
  }

  @Test
  void aPoisonTaskEndsInTheDeadLettersWithItsErrorsAndCanBeRequeued() throws Exception {
    Broker b = start(options().delivery(d -> d.maxAttempts(3)));
    WorkqClient c = client(b);
    CompletableFuture<TaskResult> poison = c.tasks().submit("mixed", "poison", 1);
    List<CompletableFuture<TaskResult>> good = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      good.add(c.tasks().submit("mixed", "echo", i));
    }
    WorkqClient w = client(b);
    w.consume("mixed", 4, d -> {
      boolean ok = !"poison".equals(d.handler());
      String result = "{\"id\":\"" + d.id() + "\",\"ok\":" + ok + ",\"value\":" + (ok ? d.payload().utf8() : "null")
          + ",\"error\":" + (ok ? "null" : "\"java.lang.IllegalStateException: attempt " + d.attempts() + "\"")
          + ",\"worker\":\"w:1\",\"attempts\":" + d.attempts() + ",\"elapsedMs\":0}";
      if (ok) {
        d.complete(result.getBytes(StandardCharsets.UTF_8));
      } else {
        d.fail("java.lang.IllegalStateException: attempt " + d.attempts(), false, result.getBytes(StandardCharsets.UTF_8));
      }
    });
    TaskResult failed = poison.get(10, TimeUnit.SECONDS);
    assertFalse(failed.ok());
    assertEquals(3, failed.attempts());
    for (CompletableFuture<TaskResult> f : good) {
      TaskResult r = f.get(10, TimeUnit.SECONDS);
      assertTrue(r.ok());
      assertEquals(1, r.attempts(), "other tasks are unaffected by the poison task's retries");
    }
    DeadLetterPage dead = c.deadLetters("mixed", 10);
    assertEquals(1, dead.total());
    assertEquals(List.of("java.lang.IllegalStateException: attempt 1", "java.lang.IllegalStateException: attempt 2",
        "java.lang.IllegalStateException: attempt 3"), dead.items().get(0).errors());
    assertEquals(3, dead.items().get(0).attempts());
    assertEquals(0, dead.items().get(0).crashes());
    assertEquals(3, queue(b, "mixed").failed());

    assertEquals(1, c.requeueDeadLetters("mixed", List.of()));
    await().atMost(WAIT).until(() -> queue(b, "mixed").dead() == 1 && queue(b, "mixed").failed() == 6);
    assertEquals(1, c.purgeDeadLetters("mixed", List.of(dead.items().get(0).id())));
    assertEquals(0, c.deadLetters("mixed", 10).total());
  }

  @Test
  void aPermanentFailureSkipsTheRetries() throws Exception {
    Broker b = start(options().delivery(d -> d.maxAttempts(5)));
    WorkqClient c = client(b);
    WorkqClient w = client(b);
    w.consume("p", 1, d -> d.fail("dev.workq.worker.internal.BadPayloadException: no", true,
        ("{\"id\":\"" + d.id() + "\",\"ok\":false}").getBytes(StandardCharsets.UTF_8)));
    TaskResult r = c.tasks().submit("p", "echo", 1).get(10, TimeUnit.SECONDS);
    assertFalse(r.ok());
    assertEquals(1, c.deadLetters("p", 1).items().get(0).attempts());
  }

  @Test
  void aWorkerThatDisconnectsOnEveryAttemptSendsTheTaskToTheDeadLettersAsCrashes() throws Exception {
    Broker b = start(options().delivery(d -> d.maxAttempts(2)));
    WorkqClient c = client(b);
    CompletableFuture<TaskResult> result = c.tasks().submit("crashy", "echo", 1);
    for (int attempt = 1; attempt <= 2; attempt++) {
      WorkqClient doomed = WorkqClient.connect(ClientOptions.builder().port(b.port()).build());
      List<Delivery> got = new CopyOnWriteArrayList<>();
      doomed.consume("crashy", 1, got::add);
      await().atMost(WAIT).until(() -> got.size() == 1);
      doomed.close();
    }
    TaskResult r = result.get(10, TimeUnit.SECONDS);
    assertFalse(r.ok());
    assertTrue(r.error().contains("worker connection lost"), r.error());
    DeadLetterPage dead = c.deadLetters("crashy", 1);
    assertEquals(2, dead.items().get(0).crashes());
    assertEquals(2, queue(b, "crashy").redelivered());
  }

  @Test
  void diskFullRefusesPutsButDeliveriesAndResultsGoOnAndItRecovers() throws Exception {
    FaultInjectingStorage storage = new FaultInjectingStorage();
    Broker b = Broker.startOnStorageForTests(options().port(0).durability(d -> d.dataDir(dataDir)).build(), storage);
    open.add(b);
    WorkqClient c = client(b);
    for (int i = 0; i < 5; i++) {
      c.async().enqueue("df", "echo", i).get(5, TimeUnit.SECONDS);
    }
    storage.failWrites = true;
    java.util.concurrent.ExecutionException failed = assertThrows(java.util.concurrent.ExecutionException.class,
        () -> c.async().enqueue("df", "echo", 99).get(5, TimeUnit.SECONDS));
    RemoteException e = (RemoteException) failed.getCause();
    assertEquals(ErrorCode.STORAGE_ERROR, e.code());
    assertTrue(e.getMessage().contains("No space left on device") && e.getMessage().contains("not accepted"), e.getMessage());
    assertEquals(5, queue(b, "df").ready(), "the refused put is nowhere");

    work(client(b), "df", 2, true);
    List<QueueItem> results = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      results.add(c.get("df.done", Duration.ofSeconds(5)).orElseThrow());
    }
    assertEquals(5, results.size(), "tasks accepted before the disk filled still run and their results arrive");

    storage.failWrites = false;
    String id = c.async().enqueue("df", "echo", 100).get(5, TimeUnit.SECONDS);
    assertFalse(id.isEmpty(), "puts are accepted again once space returns");
    await().atMost(WAIT).until(() -> {
      QueueStats done = queue(b, "df.done");
      return done != null && done.ready() == 1;
    });
  }

  @Test
  void aFullQueueRefusesWithQueueFullOrWaitsWhenAsked() throws Exception {
    Broker b = start(options().limits(l -> l.maxQueueLength(3)));
    WorkqClient c = client(b);
    for (int i = 0; i < 3; i++) {
      c.put("bounded", i);
    }
    RemoteException e = assertThrows(RemoteException.class, () -> c.put("bounded", 3));
    assertEquals(ErrorCode.QUEUE_FULL, e.code());
    assertEquals("QUEUE_FULL: queue 'bounded' holds 3 items (max-length 3)", e.getMessage());

    WorkqClient patient = WorkqClient.connect(ClientOptions.builder().port(b.port()).waitWhenQueueFull(true).build());
    open.add(patient);
    CompletableFuture<String> waiting = patient.async().put("bounded", 4);
    Thread.sleep(100);
    assertFalse(waiting.isDone(), "a waiting put stays pending while the queue is full");
    c.get("bounded", Duration.ofSeconds(1)).orElseThrow();
    assertFalse(waiting.get(5, TimeUnit.SECONDS).isEmpty());
    assertEquals(3, queue(b, "bounded").ready());
  }

  @Test
  void aTornLastRecordIsDroppedAndEverythingBeforeItRecovered() throws Exception {
    Broker first = start(options());
    WorkqClient c = client(first);
    for (int i = 0; i < 20; i++) {
      c.put("torn", i);
    }
    first.close();
    Path segment = lastSegment();
    try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
      f.setLength(f.length() - 3);
    }
    Broker second = start(options());
    assertEquals(19, queue(second, "torn").ready());
  }

  @Test
  void aFlippedByteMidJournalStopsStartupNamingTheFileAndOffset() throws Exception {
    Broker first = start(options());
    WorkqClient c = client(first);
    for (int i = 0; i < 50; i++) {
      c.put("flip", "payload-" + i);
    }
    first.close();
    Path segment = lastSegment();
    long offset;
    try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
      offset = f.length() / 2;
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 0x5a);
    }
    BrokerException e = assertThrows(BrokerException.class, () -> start(options()));
    assertTrue(e.getMessage().contains(segment.getFileName().toString()) && e.getMessage().contains("offset"), e.getMessage());
    assertNotEquals(-1, e.getMessage().indexOf("corrupt"), e.getMessage());
  }

  @Test
  void twoBrokersCannotShareADataDirectory() {
    start(options());
    BrokerException e = assertThrows(BrokerException.class, () -> start(options()));
    assertTrue(e.getMessage().contains("another broker is using"), e.getMessage());
  }

  private Path lastSegment() throws IOException {
    try (Stream<Path> files = Files.list(dataDir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".wqj")).sorted().reduce((a, b) -> b).orElseThrow();
    }
  }
}
