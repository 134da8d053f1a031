package dev.workq.cli.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.ClientOptions;
import dev.workq.client.Delivery;
import dev.workq.client.DeliveryListener;
import dev.workq.client.TaskOptions;
import dev.workq.client.TaskResult;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.QueueStats;
import dev.workq.protocol.StatsReply;
import dev.workq.protocol.WorkerInfo;
import dev.workq.server.Broker;
import dev.workq.server.BrokerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing accepted is lost when processes die: real worker JVMs and a real broker JVM killed with
 * SIGKILL (or stopped with SIGSTOP), with the numbers each run saw printed for the record.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ReliabilityProcessTest {

  @Test
  void aWorkerKilledHolding100LeasedTasksLosesNoneOfThem() throws Exception {
    try (Broker broker = Broker.start(BrokerOptions.builder().port(0).build());
        WorkerProcesses workers = new WorkerProcesses();
        WorkqClient client = WorkqClient.connect(ClientOptions.builder().port(broker.port()).build())) {
      String address = "127.0.0.1:" + broker.port();
      Process doomed = workers.start(address, "--concurrency", "2", "--prefetch", "100");
      await().atMost(Duration.ofSeconds(60)).until(() -> broker.stats().workers().size() == 1);
      Map<String, Integer> index = new HashMap<>();
      var futures = new java.util.ArrayList<java.util.concurrent.CompletableFuture<TaskResult>>();
      for (int i = 0; i < 150; i++) {
        futures.add(client.tasks().submit("tasks", "sleep", Map.of("ms", 100)));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> heldBy(broker.stats(), doomed.pid()) == 100);
      doomed.destroyForcibly();
      doomed.waitFor(10, TimeUnit.SECONDS);
      workers.start(address, "--concurrency", "8", "--prefetch", "16");
      workers.start(address, "--concurrency", "8", "--prefetch", "16");
      Set<String> ids = new HashSet<>();
      int rerun = 0;
      for (var f : futures) {
        TaskResult r = f.get(120, TimeUnit.SECONDS);
        assertTrue(r.ok(), r.error());
        ids.add(r.id());
        if (r.attempts() > 1) {
          rerun++;
          assertTrue(!r.worker().endsWith(":" + doomed.pid()), "a redelivered task ran on the killed worker");
        }
      }
      QueueStats q = broker.stats().queues().stream().filter(s -> s.name().equals("tasks")).findFirst().orElseThrow();
      System.out.printf("kill -9 worker holding 100 leased tasks: 150 submitted, %d results, %d lost, %d re-run elsewhere, "
          + "%d duplicate results, %d redeliveries counted by the broker%n", ids.size(), 150 - ids.size(), rerun,
          client.tasks().duplicateResults(), q.redelivered());
      assertEquals(150, ids.size(), "lost tasks");
      assertTrue(rerun >= 95, "only " + rerun + " of the ~100 held tasks were run again");
      assertEquals(q.redelivered(), rerun, "every redelivered task ran exactly once more");
    }
  }

  @Test
  void aWorkerThatHangsPastItsLeaseLosesTheTaskAndItsLateResultIsRejected() throws Exception {
    try (Broker broker = Broker.start(BrokerOptions.builder().port(0).build());
        WorkerProcesses workers = new WorkerProcesses();
        WorkqClient client = WorkqClient.connect(ClientOptions.builder().port(broker.port()).build())) {
      String address = "127.0.0.1:" + broker.port();
      Process hung = workers.start(address, "--concurrency", "1", "--prefetch", "1");
      await().atMost(Duration.ofSeconds(60)).until(() -> broker.stats().workers().size() == 1);
      client.async().enqueue("tasks", "sleep", Map.of("ms", 1500), TaskOptions.builder().id("slow-1").lease(Duration.ofMillis(500)).build())
          .get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> heldBy(broker.stats(), hung.pid()) == 1);
      signal("STOP", hung.pid());
      try {
        await().atMost(Duration.ofSeconds(10)).until(() -> queueStats(broker, "tasks").leaseExpired() == 1);
        Process healthy = workers.start(address, "--concurrency", "1", "--prefetch", "1");
        TaskResult r = client.get("tasks.done", Duration.ofSeconds(60)).orElseThrow().asResult();
        assertTrue(r.ok(), r.error());
        assertTrue(r.worker().endsWith(":" + healthy.pid()), "the result came from " + r.worker());
        assertEquals(2, r.attempts());
      } finally {
        signal("CONT", hung.pid());
      }
      // The hung worker wakes, finishes its handler and sends a result on a lease it lost.
      await().atMost(Duration.ofSeconds(20)).until(() -> broker.stats().staleResults() == 1);
      assertTrue(client.get("tasks.done", Duration.ofSeconds(1)).isEmpty(), "exactly one result reaches the done queue");
      System.out.printf("worker hung past its lease: lease expired %d time(s), %d stale result rejected, 1 result on the done queue%n",
          queueStats(broker, "tasks").leaseExpired(), broker.stats().staleResults());
    }
  }

  @Test
  void killingTheBrokerWithFsyncAlwaysLosesNoConfirmedTask(@TempDir Path dataDir) throws Exception {
    assertEquals(0, killBrokerMidSubmit(dataDir, "always"));
  }

  @Test
  void killingTheBrokerWithFsyncBatchLosesNothingAProcessCrashCanTouch(@TempDir Path dataDir) throws Exception {
    // BATCH confirms once a record reaches the OS, so killing the process loses nothing; the
    // documented window (the last fsync interval) is for power loss or an OS crash.
    assertEquals(0, killBrokerMidSubmit(dataDir, "batch"));
  }

  /**
   * Sends 10,000 submits at once (more until the kill lands) to a broker process that workers are
   * draining, SIGKILLs the broker once 2,500 are confirmed (thousands still in flight), restarts it on the same port and
   * data directory, and collects results until every confirmed task has one. Returns the confirmed
   * tasks lost.
   */
  private static long killBrokerMidSubmit(Path dataDir, String fsync) throws Exception {
    BrokerProcess first = BrokerProcess.start(0, dataDir, "--fsync", fsync);
    int port = first.port();
    Set<String> confirmed = ConcurrentHashMap.newKeySet();
    try (WorkerProcesses workers = new WorkerProcesses()) {
      workers.start(first.address(), "--concurrency", "4", "--prefetch", "64");
      workers.start(first.address(), "--concurrency", "4", "--prefetch", "64");
      try (WorkqClient probe = WorkqClient.connect(ClientOptions.builder().port(port).build())) {
        await().atMost(Duration.ofSeconds(60)).until(() -> probe.stats().workers().size() == 2);
      }
      AtomicBoolean killed = new AtomicBoolean();
      // At least 10,000 submits, and more while the kill has not landed, so that submits are in
      // flight when it does however fast the broker confirms and however slowly `kill` starts.
      int least = 10_000;
      int most = 200_000;
      int attempted = 0;
      Thread killer = new Thread(() -> {
        try {
          while (confirmed.size() < 2500) {
            Thread.sleep(1);
          }
          // SIGSTOP freezes it at once, mid-stream, so the kill lands with submits in flight
          // however fast it is; SIGKILL then ends the stopped process.
          signal("STOP", first.pid());
          first.kill();
          killed.set(true);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      try (WorkqClient submitter = WorkqClient.connect(ClientOptions.builder().port(port).build())) {
        Semaphore answered = new Semaphore(0);
        killer.start();
        for (int i = 0; i < most && (i < least || !killed.get()); i++, attempted++) {
          String id = "t-" + i;
          submitter.async().enqueue("tasks", "echo", Map.of("i", i), TaskOptions.builder().id(id).build()).whenComplete((ok, e) -> {
            if (e == null) {
              confirmed.add(id);
            }
            answered.release();
          });
        }
        killer.join(60_000);
        assertTrue(killed.get(), "every submit was confirmed before the broker could be killed");
        answered.tryAcquire(attempted, 60, TimeUnit.SECONDS);
      }
      int confirmedAtKill = confirmed.size();
      try (BrokerProcess second = BrokerProcess.start(port, dataDir, "--fsync", fsync);
          WorkqClient collector = WorkqClient.connect(ClientOptions.builder().port(port).build())) {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        Map<String, Integer> count = new ConcurrentHashMap<>();
        LinkedBlockingQueue<String> arrivals = new LinkedBlockingQueue<>();
        collector.consume("tasks.done", 512, new DeliveryListener() {
          @Override
          public void onDelivery(Delivery d) {
            String id = TaskResult.parse(d.payload()).id();
            count.merge(id, 1, Integer::sum);
            seen.add(id);
            arrivals.add(id);
            d.ack();
          }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!seen.containsAll(confirmed) && System.nanoTime() < deadline) {
          arrivals.poll(1, TimeUnit.SECONDS);
        }
        Set<String> lost = new HashSet<>(confirmed);
        lost.removeAll(seen);
        long duplicates = count.values().stream().filter(n -> n > 1).count();
        System.out.printf("kill -9 broker (--fsync %s): %d submits sent, %d confirmed before the kill, %d results after restart, "
            + "%d confirmed lost, %d unconfirmed that still ran, %d tasks with duplicate results%n", fsync, attempted, confirmedAtKill,
            seen.size(), lost.size(), seen.stream().filter(id -> !confirmed.contains(id)).count(), duplicates);
        if (!lost.isEmpty()) {
          System.out.println("restarted broker's log:\n" + second.log() + "\nfirst broker's log:\n" + first.log());
          workers.all().forEach(w -> System.out.println("worker " + w.pid() + ":\n" + workers.log(w)));
        }
        assertTrue(confirmedAtKill >= 2500 && confirmedAtKill < attempted, "confirmed at the kill: " + confirmedAtKill);
        return lost.size();
      }
    } finally {
      first.close();
    }
  }

  private static QueueStats queueStats(Broker broker, String name) {
    return broker.stats().queues().stream().filter(q -> q.name().equals(name)).findFirst().orElseThrow();
  }

  private static int heldBy(StatsReply stats, long pid) {
    return stats.workers().stream().filter(w -> w.pid() == pid).mapToInt(WorkerInfo::inFlight).sum();
  }

  private static void signal(String sig, long pid) throws Exception {
    Process p = new ProcessBuilder("kill", "-" + sig, "" + pid).inheritIO().start();
    assertEquals(0, p.waitFor(), "kill -" + sig + " " + pid);
  }
}
