package dev.workq.cli.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.ClientOptions;
import dev.workq.client.Delivery;
import dev.workq.client.DeliveryListener;
import dev.workq.client.TaskResult;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.Consume;
import dev.workq.protocol.ConsumeOk;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Message;
import dev.workq.protocol.Payload;
import dev.workq.protocol.Put;
import dev.workq.protocol.PutOk;
import dev.workq.client.QueueStats;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker JVM under attack by one misbehaving peer, with a real worker process and a
 * well-behaved client running {@code echo} tasks on queue {@code good} before, during and after
 * the attack: the broker must refuse the attacker with the documented errors, stay up, and keep
 * serving the good client. Numbers each run saw are printed for the record; no test asserts speed.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AttackProcessTest {

  /** The largest PUT payload that fits the default max-frame with room for the header. */
  private static final int BIG = 16 * 1024 * 1024 - 8192;
  private static final List<String> SMALL_HEAP = List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError");

  @TempDir
  Path dataDir;

  /** Closed in reverse order of opening, whatever a test did. */
  private final Deque<AutoCloseable> opened = new ArrayDeque<>();

  @AfterEach
  void closeEverything() throws Exception {
    Exception first = null;
    while (!opened.isEmpty()) {
      try {
        opened.pop().close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private <T extends AutoCloseable> T open(T resource) {
    opened.push(resource);
    return resource;
  }

  private BrokerProcess broker(List<String> jvmArgs, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--fsync", "never"));
    all.addAll(List.of(args));
    return open(BrokerProcess.start(jvmArgs, 0, dataDir, all.toArray(String[]::new)));
  }

  /** A worker process serving {@code good}, and a good client that waits until it is connected. */
  private WorkqClient goodWorld(BrokerProcess broker) throws Exception {
    WorkerProcesses workers = open(new WorkerProcesses());
    workers.start(broker.address(), "--queue", "good", "--concurrency", "2");
    WorkqClient client = open(WorkqClient.connect(ClientOptions.builder().address(broker.address()).build()));
    await().atMost(Duration.ofSeconds(60)).until(() -> client.stats().workers().size() >= 1);
    return client;
  }

  // ---- 1 ----

  @Test
  void aFloodOfMaxFramePutsIsRefusedWithBudgetErrorsAndTheGoodClientKeepsWorking() throws Exception {
    Map<Object, Integer> answers = floodOfMaxFramePuts(1);
    assertTrue(answers.getOrDefault(ErrorCode.QUEUE_FULL, 0) > 0, "one queue, yet no QUEUE_FULL: " + answers);
  }

  @Test
  void aFloodOfMaxFramePutsOverEightQueuesHitsTheBrokerWideMemoryLimit() throws Exception {
    // Each queue stays under its own budget for a while, so only the broker-wide one protects the heap.
    Map<Object, Integer> answers = floodOfMaxFramePuts(8);
    assertTrue(answers.getOrDefault(ErrorCode.MEMORY_LIMIT, 0) > 0, "eight queues, yet no MEMORY_LIMIT: " + answers);
  }

  /** 100 PUTs of {@link #BIG} bytes spread over {@code queues} junk queues, with the good client running. */
  private Map<Object, Integer> floodOfMaxFramePuts(int queues) throws Exception {
    BrokerProcess broker = broker(SMALL_HEAP, "--http-port", "0");
    WorkqClient client = goodWorld(broker);
    GoodTraffic good = open(new GoodTraffic(client));
    good.awaitMore(0);

    AttackPeer attacker = open(AttackPeer.connect(broker.port()));
    byte[] big = new byte[BIG];
    java.util.Arrays.fill(big, (byte) 'x');
    int puts = 100;
    long before = good.successes();
    long start = System.nanoTime();
    for (int i = 1; i <= puts; i++) {
      String queue = queues == 1 ? "junk" : "junk-" + (i % queues);
      // Wait for each write to reach the socket (not for its answer): the attacker goes as fast
      // as the broker reads, without piling 1.6 GB of encoded frames up in this JVM.
      attacker.send(new Put(i, queue, ItemKind.DATA, null, null, null, null, null, Payload.wrap(big)))
          .await(60, TimeUnit.SECONDS);
    }
    Map<Object, Integer> answers = collect(attacker, puts, 60);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    long during = good.successes() - before;
    System.out.printf("flood of %d x %d-byte PUTs over %d queue(s) in %d ms: answers %s; good tasks during the flood: %d%n",
        puts, BIG, queues, ms, answers, during);

    assertTrue(broker.isAlive(), "broker died: " + broker.log());
    assertEquals(puts, answers.values().stream().mapToInt(Integer::intValue).sum(), "not every PUT was answered: " + answers);
    int refused = answers.getOrDefault(ErrorCode.QUEUE_FULL, 0) + answers.getOrDefault(ErrorCode.MEMORY_LIMIT, 0);
    assertTrue(refused > 0, "no PUT was refused: " + answers);
    assertEquals(puts, refused + answers.getOrDefault(PutOk.class, 0), "answers other than PUT_OK/QUEUE_FULL/MEMORY_LIMIT: " + answers);
    assertTrue(attacker.isOpen(), "budget errors are not fatal, yet the broker closed the connection");
    assertTrue(during > 0, "the good client completed no task during the flood");
    good.awaitMore(good.successes());
    assertEquals(200, http(broker, "/healthz").statusCode());
    good.assertNoFailures();
    return answers;
  }

  // ---- 2 ----

  @Test
  void aHundredThousandConsumersOnOneConnectionGetConsumerLimitAfter1024() throws Exception {
    BrokerProcess broker = broker(SMALL_HEAP);
    WorkqClient client = goodWorld(broker);
    GoodTraffic good = open(new GoodTraffic(client));
    good.awaitMore(0);

    AttackPeer attacker = open(AttackPeer.connect(broker.port()));
    int consumes = 100_000;
    long before = good.successes();
    for (int i = 1; i <= consumes; i++) {
      attacker.write(new Consume(i, "idle", 1));
      if (i % 1000 == 0) {
        attacker.flush();
      }
    }
    attacker.flush();
    Map<Object, Integer> answers = collect(attacker, consumes, 60);
    long during = good.successes() - before;
    System.out.printf("%d CONSUMEs on one connection: answers %s; good tasks meanwhile: %d%n", consumes, answers, during);

    assertTrue(broker.isAlive(), "broker died: " + broker.log());
    assertEquals(1024, answers.getOrDefault(ConsumeOk.class, 0), answers.toString());
    assertEquals(consumes - 1024, answers.getOrDefault(ErrorCode.CONSUMER_LIMIT, 0), answers.toString());
    assertTrue(attacker.isOpen(), "CONSUMER_LIMIT is not fatal, yet the broker closed the connection");
    assertTrue(during > 0, "the good client completed no task while the consumers were registered");
    good.awaitMore(good.successes());
    // The attacker's consumers go with its connection.
    attacker.close();
    await().atMost(Duration.ofSeconds(30)).until(() -> client.stats().queues().stream()
        .filter(q -> q.name().equals("idle")).allMatch(q -> q.consumers() == 0));
    good.awaitMore(good.successes());
    good.assertNoFailures();
  }

  // ---- 3 ----

  @Test
  void aConsumerThatPingsButNeverAcksDoesNotDeadLetterTasks() throws Exception {
    BrokerProcess broker = broker(SMALL_HEAP, "--lease-ms", "1000");
    WorkqClient client = goodWorld(broker);
    // Heartbeat every 200 ms: the connection looks alive to the broker all along.
    WorkqClient hung = open(WorkqClient.connect(ClientOptions.builder().address(broker.address())
        .heartbeat(Duration.ofMillis(200)).build()));
    AtomicInteger taken = new AtomicInteger();
    hung.consume("good", 16, new DeliveryListener() {
      @Override
      public void onDelivery(Delivery delivery) {
        taken.incrementAndGet(); // and never ack, complete, release or renew
      }

      @Override
      public void onClose(String reason) {}
    });

    List<CompletableFuture<TaskResult>> futures = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      futures.add(client.tasks().submit("good", "echo", Map.of("n", i)));
    }
    int ok = 0;
    List<String> bad = new ArrayList<>();
    for (int i = 0; i < futures.size(); i++) {
      TaskResult r = futures.get(i).get(60, TimeUnit.SECONDS);
      if (r.ok() && r.value().get("n").asInt() == i) {
        ok++;
      } else {
        bad.add(r.toString());
      }
    }
    QueueStats q = client.stats().queues().stream().filter(s -> s.name().equals("good")).findFirst().orElseThrow();
    int deadLetters = client.deadLetters("good", 100).items().size();
    System.out.printf("hung pinging consumer: took %d deliveries; %d/300 ok; queue good: dead %d, leaseExpired %d, redelivered %d%n",
        taken.get(), ok, q.dead(), q.leaseExpired(), q.redelivered());
    assertEquals(300, ok, "failed results: " + bad);
    assertEquals(0, deadLetters, "dead letters");
    assertEquals(0, q.dead(), "dead counter");
    assertTrue(!hung.closeFuture().isDone(), "the hung consumer was disconnected, so the test did not test a live one");
    assertTrue(broker.isAlive(), "broker died: " + broker.log());
  }

  // ---- 4 ----

  @Test
  void anOutOfMemoryErrorMakesTheBrokerExitNonZeroWithinSeconds() throws Exception {
    int status = floodUntilOutOfMemory(List.of("-Xmx64m", "-XX:+ExitOnOutOfMemoryError"));
    assertEquals(3, status, "the JVM's own exit on OutOfMemoryError");
  }

  /**
   * Without the JVM flag the broker itself must stop: an OutOfMemoryError on its core thread or
   * on an I/O thread is fatal to it (one ERROR line, exit status 70), never a broker that keeps
   * accepting while its core is dead.
   */
  @Test
  void withoutTheJvmFlagAnOutOfMemoryErrorStillStopsTheBrokerWithStatus70() throws Exception {
    // In memory: the journal's writer thread, which an OutOfMemoryError would stop on its own, is not there.
    int status = floodUntilOutOfMemory(List.of("-Xmx64m"), "--in-memory");
    assertEquals(70, status, "the broker's own stop after a fatal error");
  }

  /** Floods a broker with no budgets and a 64 MB heap with big PUTs until it exits; its exit status. */
  private int floodUntilOutOfMemory(List<String> jvmArgs, String... extra) throws Exception {
    String huge = "100000000000";
    List<String> args = new ArrayList<>(List.of("--max-memory-bytes", huge, "--max-queue-bytes", huge, "--max-pending-bytes", huge));
    args.addAll(List.of(extra));
    BrokerProcess broker = broker(jvmArgs, args.toArray(String[]::new));
    byte[] big = new byte[BIG];
    java.util.Arrays.fill(big, (byte) 'y');
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    int sent = 0;
    AttackPeer attacker = null;
    try {
      while (broker.isAlive() && System.nanoTime() < deadline) {
        if (attacker == null || !attacker.isOpen()) {
          if (attacker != null) {
            attacker.close();
          }
          try {
            attacker = AttackPeer.connect(broker.port());
          } catch (Exception | AssertionError e) {
            attacker = null;
            Thread.sleep(100);
            continue;
          }
        }
        sent++;
        attacker.send(new Put(sent, "big-" + (sent % 50), ItemKind.DATA, null, null, null, null, null, Payload.wrap(big)))
            .await(10, TimeUnit.SECONDS);
      }
    } finally {
      if (attacker != null) {
        attacker.close();
      }
    }
    Integer status = broker.awaitExit(Math.max(1, TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime())));
    String log = broker.log();
    System.out.printf("64 MB heap, no budgets: %d big PUTs sent; broker exit status %s; log tail:%n%s%n", sent, status,
        log.substring(Math.max(0, log.length() - 2000)));
    assertNotNull(status, "the broker still runs 60 s into the flood, " + sent + " PUTs sent; log:\n" + log);
    assertNotEquals(0, status, "the broker exited 0 after running out of memory");
    return status;
  }

  // ---- 5 ----

  @Test
  void twentyThousandQueuesScrapedEverySecondWhileTasksFlow() throws Exception {
    int queues = 20_000;
    // --max-queues above 20,000: the good client's reply queue and 'good' count too.
    BrokerProcess broker = broker(SMALL_HEAP, "--http-port", "0", "--max-queues-per-connection", "" + queues,
        "--max-queues", "" + (queues + 100));
    WorkqClient client = goodWorld(broker);
    GoodTraffic good = open(new GoodTraffic(client));
    good.awaitMore(0);

    AttackPeer attacker = open(AttackPeer.connect(broker.port()));
    Payload tiny = Payload.ofUtf8("{}");
    for (int i = 0; i < queues; i++) {
      attacker.write(new Put(i + 1, "q-" + i, ItemKind.DATA, null, null, null, null, null, tiny));
      if (i % 500 == 0) {
        attacker.flush();
      }
    }
    attacker.flush();
    Map<Object, Integer> answers = collect(attacker, queues, 60);
    assertEquals(Map.of(PutOk.class, queues), answers, "creating " + queues + " queues");

    long before = good.successes();
    List<String> scrapes = new ArrayList<>();
    for (int s = 0; s < 10; s++) {
      long start = System.nanoTime();
      HttpResponse<String> r = http(broker, "/metrics");
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      scrapes.add(r.statusCode() + "/" + r.body().length() + "B/" + ms + "ms");
      assertEquals(200, r.statusCode(), "scrape " + s + ": " + r.body());
      assertTrue(r.body().contains("q-19999"), "scrape " + s + " misses q-19999");
      Thread.sleep(Math.max(0, 1000 - ms));
    }
    long during = good.successes() - before;
    System.out.printf("%d queues, 10 scrapes (status/size/time) %s; good tasks during the scrapes: %d%n", queues, scrapes, during);
    assertTrue(during > 0, "the good client completed no task while /metrics was scraped");
    assertTrue(broker.isAlive(), "broker died: " + broker.log());
    good.assertNoFailures();
  }

  // ---- helpers ----

  /** Reads {@code n} answers (or gives up after {@code seconds}), counted by PUT_OK/CONSUME_OK class or error code. */
  private static Map<Object, Integer> collect(AttackPeer peer, int n, long seconds) throws InterruptedException {
    Map<Object, Integer> counts = new java.util.LinkedHashMap<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    int got = 0;
    while (got < n && System.nanoTime() < deadline) {
      Message m = peer.poll(1);
      if (m == null) {
        if (!peer.isOpen()) {
          break;
        }
        continue;
      }
      Object key = m instanceof ErrorReply e ? (Object) e.code() : m.getClass();
      if (m instanceof ErrorReply e && e.fatal()) {
        key = "fatal " + e.describe();
      }
      counts.merge(key, 1, Integer::sum);
      got++;
    }
    return counts;
  }

  private static HttpResponse<String> http(BrokerProcess broker, String path) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + broker.httpPort() + path))
        .timeout(Duration.ofSeconds(30)).GET().build();
    return http.send(req, HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The well-behaved client: submits one {@code echo} task at a time to {@code good} and waits
   * for its result, counting successes and recording anything else, until closed.
   */
  private static final class GoodTraffic implements AutoCloseable {
    private final AtomicLong successes = new AtomicLong();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean stop;

    GoodTraffic(WorkqClient client) {
      thread = new Thread(() -> {
        for (int i = 0; !stop; i++) {
          try {
            TaskResult r = client.tasks().submit("good", "echo", Map.of("n", i)).get(30, TimeUnit.SECONDS);
            if (r.ok() && r.value().get("n").asInt() == i) {
              successes.incrementAndGet();
            } else {
              failures.add("task " + i + ": " + r);
            }
          } catch (InterruptedException e) {
            return;
          } catch (Exception e) {
            if (!stop) {
              failures.add("task " + i + ": " + e);
              try {
                Thread.sleep(100);
              } catch (InterruptedException ie) {
                return;
              }
            }
          }
        }
      }, "good-client");
      thread.setDaemon(true);
      thread.start();
    }

    long successes() {
      return successes.get();
    }

    /** Waits up to 60 s for a success beyond {@code than}. */
    void awaitMore(long than) {
      await().atMost(Duration.ofSeconds(60)).until(() -> successes.get() > than || !thread.isAlive());
      assertTrue(successes.get() > than, "the good client completed nothing more; failures: " + failures);
    }

    void assertNoFailures() {
      assertTrue(failures.isEmpty(), "the good client saw failures: " + failures);
    }

    @Override
    public void close() throws InterruptedException {
      stop = true;
      thread.interrupt();
      thread.join(10_000);
    }
  }
}
