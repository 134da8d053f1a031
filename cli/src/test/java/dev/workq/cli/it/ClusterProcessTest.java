package dev.workq.cli.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workq.client.ClientOptions;
import dev.workq.client.Subscription;
import dev.workq.client.TaskOptions;
import dev.workq.client.TaskState;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A three-node cluster of real broker JVMs ({@code workq broker --node --cluster --fsync always}),
 * real worker JVMs and a submitter given the three addresses. The leader is killed with SIGKILL
 * in the middle of the stream of submits, ten times at random moments (whichever node the
 * elections made leader), and restarted; twice the other follower is killed and restarted too. A new leader serves within seconds each time, the workers and
 * the submitter carry on by themselves, a restarted node catches up, and no confirmed task is
 * lost. A leader whose two followers are stopped (SIGSTOP) confirms nothing. The numbers of each
 * run are printed for the record.
 */
@Timeout(value = 480, unit = TimeUnit.SECONDS)
class ClusterProcessTest {

  private static final long SEED = Long.getLong("workq.test.seed", 20261202L);
  private static final String QUEUE = "jobs";

  @TempDir
  Path dir;

  private final int[] clientPorts = new int[3];
  private final int[] httpPorts = new int[3];
  private final BrokerProcess[] nodes = new BrokerProcess[3];
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private String cluster;

  private void configure() throws IOException {
    StringBuilder spec = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      clientPorts[i] = freePort();
      httpPorts[i] = freePort();
      spec.append(i == 0 ? "" : ",").append("n").append(i + 1).append("=127.0.0.1:").append(freePort());
    }
    cluster = spec.toString();
  }

  private String brokers() {
    return "127.0.0.1:" + clientPorts[0] + ",127.0.0.1:" + clientPorts[1] + ",127.0.0.1:" + clientPorts[2];
  }

  private BrokerProcess start(int i) throws Exception {
    if (nodes[i] != null) {
      nodes[i].close();
    }
    nodes[i] = BrokerProcess.start(List.of("-Xmx256m"), clientPorts[i], dir.resolve("n" + (i + 1)), "--node", "n" + (i + 1),
        "--cluster", cluster, "--fsync", "always", "--http-port", "" + httpPorts[i]);
    return nodes[i];
  }

  /**
   * The leader's view of the cluster, from the one node that serves: its {@code /healthz} says
   * "serving" (a follower's says "following", a leader not serving yet "not_serving").
   */
  private JsonNode clusterView(int i) {
    try {
      HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPorts[i] + "/healthz"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
      if (health.statusCode() != 200 || !"serving".equals(Json.mapper().readTree(health.body()).path("status").asText())) {
        return null;
      }
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPorts[i] + "/api/cluster"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
      JsonNode c = r.statusCode() == 200 ? Json.mapper().readTree(r.body()).get("cluster") : null;
      return c != null && "LEADER".equals(c.path("role").asText()) ? c : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Waits for a node that leads and serves; its index. */
  private int awaitLeader(Duration within) {
    int[] found = {-1};
    try {
      awaitServing(within, found);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      StringBuilder logs = new StringBuilder("no node serves as leader within " + within);
      for (int i = 0; i < 3; i++) {
        try {
          String err = nodes[i] == null ? "(not running)" : nodes[i].stderr();
          logs.append("\n--- n").append(i + 1).append(nodes[i] != null && nodes[i].isAlive() ? " (alive)" : " (dead)").append(":\n")
              .append(err.substring(Math.max(0, err.length() - 3000)));
        } catch (IOException io) {
          logs.append("\n--- n").append(i + 1).append(": ").append(io);
        }
      }
      throw new AssertionError(logs.toString(), e);
    }
    return found[0];
  }

  private void awaitServing(Duration within, int[] found) {
    await().atMost(within).pollInterval(Duration.ofMillis(100)).until(() -> {
      for (int i = 0; i < 3; i++) {
        if (nodes[i] != null && nodes[i].isAlive() && clusterView(i) != null) {
          found[0] = i;
          return true;
        }
      }
      return false;
    });
  }

  /** Waits until the leader sees node {@code i} within a few entries of its commit index. */
  private void awaitCaughtUp(int i, Duration within) {
    String id = "n" + (i + 1);
    await().atMost(within).pollInterval(Duration.ofMillis(200)).until(() -> {
      for (int l = 0; l < 3; l++) {
        JsonNode c = nodes[l] != null && nodes[l].isAlive() ? clusterView(l) : null;
        if (c != null) {
          for (JsonNode m : c.get("members")) {
            if (m.get("id").asText().equals(id) && m.get("lag").asLong() >= 0 && m.get("lag").asLong() <= 64) {
              return true;
            }
          }
        }
      }
      return false;
    });
  }

  @AfterEach
  void stop() throws Exception {
    for (BrokerProcess n : nodes) {
      if (n != null) {
        n.close();
      }
    }
  }

  @Test
  void killingTheLeaderTenTimesDuringFsyncAlwaysSubmitsLosesNoConfirmedTask() throws Exception {
    configure();
    for (int i = 0; i < 3; i++) {
      start(i);
    }
    awaitLeader(Duration.ofSeconds(60));
    Random random = new Random(SEED);
    Set<String> confirmed = ConcurrentHashMap.newKeySet();
    Set<String> results = ConcurrentHashMap.newKeySet();
    AtomicInteger resultDeliveries = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    AtomicBoolean submitting = new AtomicBoolean(true);
    List<String> failovers = new ArrayList<>();
    ClientOptions options = ClientOptions.builder().address(brokers()).failoverTimeout(Duration.ofSeconds(60))
        .requestTimeout(Duration.ofSeconds(60)).build();
    try (WorkerProcesses workers = new WorkerProcesses();
        WorkqClient client = WorkqClient.connect(options)) {
      workers.start(brokers(), "--queue", QUEUE, "--concurrency", "4", "--prefetch", "16");
      workers.start(brokers(), "--queue", QUEUE, "--concurrency", "4", "--prefetch", "16");
      Subscription done = client.consume(QUEUE + ".done", 256, d -> {
        results.add(d.id());
        resultDeliveries.incrementAndGet();
        d.ack();
      });
      Semaphore window = new Semaphore(16);
      Thread submitter = new Thread(() -> {
        int n = 0;
        while (submitting.get()) {
          try {
            window.acquire();
          } catch (InterruptedException e) {
            return;
          }
          String id = "t-" + n++;
          client.async().enqueue(QUEUE, "echo", Map.of("n", n), TaskOptions.builder().id(id).build())
              .whenComplete((got, e) -> {
                window.release();
                if (e == null) {
                  confirmed.add(got);
                } else {
                  refused.incrementAndGet();
                }
              });
        }
      }, "submitter");
      submitter.start();

      for (int round = 0; round < 10; round++) {
        int before = confirmed.size();
        Thread.sleep(800 + random.nextInt(1500));
        int leader = awaitLeader(Duration.ofSeconds(30));
        boolean alsoFollower = round == 3 || round == 7;
        long killedAt = System.nanoTime();
        nodes[leader].kill();
        int next = awaitLeader(Duration.ofSeconds(20));
        long electedMs = (System.nanoTime() - killedAt) / 1_000_000;
        await().atMost(Duration.ofSeconds(60)).until(() -> confirmed.size() > before + 10);
        long servingMs = (System.nanoTime() - killedAt) / 1_000_000;
        failovers.add("round " + round + ": killed n" + (leader + 1) + ", n" + (next + 1) + " leads after " + electedMs
            + " ms, submits confirmed again after " + servingMs + " ms (" + confirmed.size() + " confirmed so far)");
        System.out.println(failovers.get(failovers.size() - 1));
        start(leader);
        if (alsoFollower) {
          int follower = 3 - leader - next;
          awaitCaughtUp(leader, Duration.ofSeconds(60));
          nodes[follower].kill();
          start(follower);
          awaitCaughtUp(follower, Duration.ofSeconds(60));
          failovers.add("round " + round + ": also killed follower n" + (follower + 1) + "; it caught up after its restart");
        }
        awaitCaughtUp(leader, Duration.ofSeconds(60));
      }
      submitting.set(false);
      submitter.join(TimeUnit.SECONDS.toMillis(90));
      window.acquire(16);
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> results.containsAll(confirmed));
      Set<String> lost = new java.util.TreeSet<>(confirmed);
      lost.removeAll(results);
      System.out.println("cluster kill test (seed " + SEED + "): " + confirmed.size() + " confirmed, " + refused.get()
          + " refused, " + results.size() + " tasks with results, " + resultDeliveries.get() + " result deliveries");
      failovers.forEach(System.out::println);
      assertEquals(Set.of(), lost, "every confirmed task ran and its result arrived");
      assertTrue(confirmed.size() > 200, "the stream carried on through the kills: " + confirmed.size());
      assertEquals(0, refused.get(), "the submitter's puts all succeeded through the failovers");
      int leader = awaitLeader(Duration.ofSeconds(30));
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        dev.workq.client.QueueStats jobs = client.stats().queue(QUEUE).orElseThrow();
        assertEquals(0, jobs.ready() + jobs.inFlight() + jobs.delayed(), "every task ran: " + jobs);
      });
      for (Process w : workers.all()) {
        assertTrue(w.isAlive(), "each worker carried on through ten leader changes:\n" + workers.log(w));
      }
      done.cancel();
      assertTrue(nodes[leader].isAlive());
    }
  }

  @Test
  void aLeaderWhoseFollowersAreStoppedConfirmsNothingAndLosesNothingItConfirmed() throws Exception {
    configure();
    for (int i = 0; i < 3; i++) {
      start(i);
    }
    int leader = awaitLeader(Duration.ofSeconds(60));
    ClientOptions single = ClientOptions.builder().address("127.0.0.1:" + clientPorts[leader]).failover(false)
        .requestTimeout(Duration.ofSeconds(30)).build();
    List<Long> stopped = new ArrayList<>();
    try (WorkqClient client = WorkqClient.connect(single)) {
      assertEquals("before", client.enqueue(QUEUE, "echo", "{}", TaskOptions.builder().id("before").build()));
      for (int i = 0; i < 3; i++) {
        if (i != leader) {
          signal("STOP", nodes[i].pid());
          stopped.add(nodes[i].pid());
        }
      }
      CompletableFuture<String> cutOff = client.async().enqueue(QUEUE, "echo", "{}", TaskOptions.builder().id("cut-off").build());
      try {
        cutOff.get(8, TimeUnit.SECONDS);
        fail("a leader without a majority confirmed a put");
      } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException expected) {
        // Not confirmed: it waits, or fails once the leader steps down and closes the connection.
      }
    } catch (dev.workq.client.WorkqException closed) {
      // The leader stepped down under us: that is the point.
    } finally {
      for (long pid : stopped) {
        signal("CONT", pid);
      }
    }
    awaitLeader(Duration.ofSeconds(60));
    try (WorkqClient client = WorkqClient.connect(ClientOptions.builder().address(brokers()).build())) {
      assertEquals(TaskState.READY, client.status("before").state(), "what was confirmed before the cut is kept");
      TaskState cut = client.status("cut-off").state();
      assertTrue(cut == TaskState.READY || cut == TaskState.NOT_FOUND, "the unconfirmed put is there or not, never half: " + cut);
    }
    assertFalse(stopped.isEmpty());
  }

  private static void signal(String name, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
    assertEquals(0, kill.waitFor(), "kill -" + name + " " + pid);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
