package dev.workq.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.ClientOptions;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.ClusterInfo;
import dev.workq.protocol.Complete;
import dev.workq.protocol.Consume;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.Hello;
import dev.workq.protocol.Message;
import dev.workq.protocol.Payload;
import dev.workq.protocol.ProtocolVersion;
import dev.workq.protocol.Role;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three cluster nodes in this JVM on loopback, each with its own Raft server, data directory and
 * client port: one leads and serves, the others send peers to it; confirmed puts survive the
 * leader; a node that comes back catches up, from its own snapshot and the log; a leader without
 * a majority confirms nothing. (Kills of whole broker processes are in the CLI's process tests.)
 */
class ClusterNodeTest {

  private static final RaftTls PLAIN = RaftTls.PLAINTEXT;
  private static final String HTTP_TOKEN = "cluster-http-read-token";

  @TempDir
  Path dir;

  /** Null: plaintext Raft on loopback; else every node's mutual-TLS material. */
  private TestCerts certs;

  private final int[] clientPorts = new int[4];
  /** Each node's HTTP port, for the tests that give the nodes one (0: none). */
  private final int[] httpPorts = new int[4];
  private final Map<String, String> members = new LinkedHashMap<>();
  private final ClusterNode[] nodes = new ClusterNode[4];

  private void configure() throws IOException {
    clientPorts[3] = freePort();
    for (int i = 0; i < 3; i++) {
      clientPorts[i] = freePort();
      members.put("n" + (i + 1), "127.0.0.1:" + freePort());
    }
  }

  private ClusterNode start(int i, long snapshotEntries) {
    return start(i, snapshotEntries, members);
  }

  private ClusterNode start(int i, long snapshotEntries, Map<String, String> members) {
    // A small snapshot threshold, so that the tests that put enough write and load snapshots.
    BrokerOptions.Builder b = BrokerOptions.builder().port(clientPorts[i])
        .durability(d -> d.dataDir(dir.resolve("n" + (i + 1))).fsync(FsyncPolicy.ALWAYS).compactMinBytes(snapshotEntries < 100 ? 1024 : 64L << 20));
    if (certs != null) {
      b.security(s -> s.tls(certs.nodeCert, certs.nodeKey));
    }
    if (httpPorts[i] != 0) {
      b.http(h -> h.port(httpPorts[i]).readToken(HTTP_TOKEN.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
    BrokerOptions options = b.build();
    nodes[i] = ClusterNode.start(options, ClusterOptions.builder().nodeId("n" + (i + 1)).members(members)
        .snapshotEntries(snapshotEntries).tlsCa(certs == null ? null : certs.caCert).build());
    return nodes[i];
  }

  /** Configures and starts three nodes with {@code snapshotEntries}; the index of the one that leads and serves. */
  private int startThree(long snapshotEntries) throws IOException {
    configure();
    for (int i = 0; i < 3; i++) {
      start(i, snapshotEntries);
    }
    return awaitLeader();
  }

  private int awaitLeader() {
    int[] leader = {-1};
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      for (int i = 0; i < nodes.length; i++) {
        if (nodes[i] != null && nodes[i].serving()) {
          leader[0] = i;
          return true;
        }
      }
      return false;
    });
    return leader[0];
  }

  private WorkqClient client(int i) {
    return WorkqClient.connect(ClientOptions.builder().address("127.0.0.1:" + clientPorts[i]).build());
  }

  @AfterEach
  void stop() {
    for (ClusterNode n : nodes) {
      if (n != null) {
        n.close();
      }
    }
  }

  @Test
  void oneNodeLeadsAndTheOthersSendPeersToItsClientAddress() throws Exception {
    int leader = startThree(1000);
    int follower = (leader + 1) % 3;
    await().atMost(Duration.ofSeconds(10)).until(() -> nodes[follower].status().leader() != null);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      try (RawPeer peer = RawPeer.open(clientPorts[follower])) {
        peer.send(new Hello(ProtocolVersion.V1, Role.CLIENT, "t", "localhost", 1, List.of()));
        ErrorReply e = peer.expect(ErrorReply.class);
        assertEquals(ErrorCode.NOT_LEADER, e.code());
        assertTrue(e.fatal());
        assertEquals("127.0.0.1:" + clientPorts[leader], e.leader(), e.message());
        assertTrue(peer.awaitClosed(), "the follower closes after its answer");
      }
    });
    try (WorkqClient redirected = client(follower)) {
      dev.workq.client.ClusterStats seen = redirected.stats().cluster();
      assertEquals("n" + (leader + 1), seen.node(), "a client given a follower's address follows it to the leader");
      assertEquals("n" + (leader + 1), seen.leader());
      assertEquals(3, seen.members().size());
    }

    ClusterInfo status = nodes[leader].status();
    assertEquals("LEADER", status.role());
    assertEquals("n" + (leader + 1), status.leader());
    assertEquals(3, status.members().size());
    assertEquals("FOLLOWER", nodes[follower].status().role());
  }

  /** A GET of {@code path} on {@code port}: {status, body}. */
  private static String[] get(int port, String path) throws Exception {
    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + HTTP_TOKEN).timeout(Duration.ofSeconds(5)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    return new String[] {String.valueOf(r.statusCode()), r.body()};
  }

  @Test
  void everyNodeAnswersOnItsHttpPortAndANewLeaderServesTheApiThere() throws Exception {
    configure();
    for (int i = 0; i < 3; i++) {
      httpPorts[i] = freePort();
      start(i, 1000);
    }
    int leader = awaitLeader();
    int follower = (leader + 1) % 3;
    await().atMost(Duration.ofSeconds(10)).until(() -> nodes[follower].status().leader() != null);
    try (WorkqClient c = client(leader)) {
      c.enqueue("jobs", "echo", Map.of("i", 1));
    }
    String leaderId = "n" + (leader + 1);

    String[] health = get(httpPorts[follower], "/healthz");
    assertEquals("200", health[0], health[1]);
    assertTrue(health[1].contains("\"status\":\"following\"") && health[1].contains("\"leader\":\"" + leaderId + "\""), health[1]);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      String[] metrics = get(httpPorts[follower], "/metrics");
      assertEquals("200", metrics[0]);
      assertTrue(metrics[1].contains("workq_cluster_leader 0.0"), "a follower's gauges say it does not lead");
      assertTrue(metrics[1].contains("jvm_memory_used_bytes"), "and the JVM's meters are there");
      long applied = Long.parseLong(metrics[1].lines().filter(l -> l.startsWith("workq_cluster_applied_index "))
          .findFirst().orElseThrow().split(" ")[1].replace(".0", ""));
      assertTrue(applied >= nodes[leader].status().commitIndex(), "the follower has applied the put: " + applied);
    });
    String[] view = get(httpPorts[follower], "/api/cluster");
    assertTrue(view[1].contains("\"role\":\"FOLLOWER\""), view[1]);
    String[] queues = get(httpPorts[follower], "/api/queues");
    assertEquals("503", queues[0]);
    assertTrue(queues[1].contains("NOT_LEADER") && queues[1].contains("127.0.0.1:" + clientPorts[leader]), queues[1]);
    assertEquals("401", String.valueOf(java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + httpPorts[follower] + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()), "a follower's metrics need the token too");
    assertTrue(get(httpPorts[leader], "/api/queues")[1].contains("\"jobs\""), "the leader serves the API");

    nodes[leader].close();
    nodes[leader] = null;
    int next = awaitLeader();
    await("the new leader's HTTP port serves the API, the follower's answers gone").atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> {
          String[] q = get(httpPorts[next], "/api/queues");
          assertEquals("200", q[0], q[1]);
          assertTrue(q[1].contains("\"jobs\""), q[1]);
        });
    assertTrue(get(httpPorts[next], "/metrics")[1].contains("workq_cluster_leader 1.0"));
  }

  /** A worker's bare connection to node {@code i}, consuming "jobs"; the first delivery it gets. */
  private Deliver consumeOne(RawPeer worker) throws InterruptedException {
    worker.send(new Hello(ProtocolVersion.V1, Role.WORKER, "raw-worker", "localhost", 1, List.of("echo")));
    worker.expect(dev.workq.protocol.Welcome.class);
    worker.send(new Consume(1, "jobs", 1, List.of("echo")));
    for (int i = 0; i < 3; i++) {
      Message m = worker.next();
      if (m instanceof Deliver d) {
        return d;
      }
    }
    throw new AssertionError("no delivery of the task");
  }

  /**
   * Fencing: each leader's delivery tags are of a later epoch than every earlier leader's (the
   * epoch is at least the Raft term), so a result for a delivery the old leader made cannot settle
   * one the new leader made. It is refused, the task runs again, and its done queue gets one result.
   */
  @Test
  void aResultForTheOldLeadersDeliveryIsRefusedAndTheTaskFilesOneResult() throws Exception {
    int leader = startThree(1000);
    try (WorkqClient c = client(leader)) {
      c.enqueue("jobs", "echo", "{}", dev.workq.client.TaskOptions.builder().id("t-1").build());
    }
    long oldTag;
    try (RawPeer worker = RawPeer.open(clientPorts[leader])) {
      oldTag = consumeOne(worker).tag();
      nodes[leader].close();
      nodes[leader] = null;
    }
    int next = awaitLeader();
    try (RawPeer worker = RawPeer.open(clientPorts[next])) {
      Deliver again = consumeOne(worker);
      assertEquals("t-1", again.id(), "the task held when its leader died is delivered again");
      assertTrue((again.tag() >>> 40) > (oldTag >>> 40),
          "the new leader's tags are of a later epoch: " + again.tag() + " after " + oldTag);
      worker.send(new Complete(oldTag, true, null, false, Payload.ofUtf8("{\"late\":true}")));
      assertEquals(ErrorCode.UNKNOWN_DELIVERY, worker.expect(ErrorReply.class).code(), "the old delivery's result is refused");
      worker.send(new Complete(again.tag(), true, null, false, Payload.ofUtf8("{}")));
      try (WorkqClient c = client(next)) {
        await().atMost(Duration.ofSeconds(10)).until(() -> c.stats().queue("jobs.done").map(q -> q.ready()).orElse(0L) == 1);
        assertEquals(0, c.stats().queue("jobs").orElseThrow().ready() + c.stats().queue("jobs").orElseThrow().inFlight());
        assertEquals(1, c.stats().queue("jobs.done").orElseThrow().ready(), "one result, the new delivery's");
      }
    }
  }

  @Test
  void confirmedPutsSurviveTheLeaderAndARestartedNodeCatchesUp() throws Exception {
    int leader = startThree(8);
    List<String> ids = new ArrayList<>();
    try (WorkqClient c = client(leader)) {
      for (int i = 0; i < 50; i++) {
        ids.add(c.enqueue("jobs", "echo", Map.of("i", i)));
      }
      assertEquals("t-7", c.enqueue("jobs", "echo", "{}", dev.workq.client.TaskOptions.builder().id("t-7").build()));
      assertEquals("t-7", c.enqueue("jobs", "echo", "{}", dev.workq.client.TaskOptions.builder().id("t-7").build()),
          "a put resent with its id is not queued twice");
    }
    nodes[leader].close();
    nodes[leader] = null;
    int next = awaitLeader();
    try (WorkqClient c = client(next)) {
      assertEquals(51, c.stats().queue("jobs").orElseThrow().ready(), "every confirmed put, once");
      assertEquals(dev.workq.client.TaskState.READY, c.status(ids.get(49)).state());
      c.enqueue("jobs", "echo", Map.of("after", true));
    }
    ClusterNode back = start(leader, 8);
    long commit = nodes[next].status().commitIndex();
    await().atMost(Duration.ofSeconds(30)).until(() -> back.status().appliedIndex() >= commit);
    assertFalse(back.serving());
    // Written on a thread of its own: Ratis applies entries meanwhile.
    await("the leader wrote a Raft snapshot of the replica").atMost(Duration.ofSeconds(10)).until(() -> {
      try (var files = java.nio.file.Files.walk(dir.resolve("n" + (next + 1)).resolve("raft"))) {
        return files.anyMatch(f -> f.getFileName().toString().matches("snapshot\\.\\d+_\\d+"));
      }
    });
  }

  @Test
  void aLeaderCutOffFromTheMajorityConfirmsNothing() throws Exception {
    int leader = startThree(1000);
    try (WorkqClient c = WorkqClient.connect(ClientOptions.builder().address("127.0.0.1:" + clientPorts[leader])
        .requestTimeout(Duration.ofSeconds(20)).build())) {
      c.enqueue("jobs", "echo", "{}");
      for (int i = 0; i < 3; i++) {
        if (i != leader) {
          nodes[i].close();
          nodes[i] = null;
        }
      }
      CompletableFuture<String> put = c.async().enqueue("jobs", "echo", "{}");
      assertThrows(Exception.class, () -> put.get(8, TimeUnit.SECONDS),
          "without a majority the put is never confirmed: it times out or fails when the leader steps down");
      assertFalse(put.isDone() && !put.isCompletedExceptionally());
    } catch (dev.workq.client.WorkqException closedUnderUs) {
      // The leader stepped down and closed the connection: that is the point.
    }
    await().atMost(Duration.ofSeconds(15)).until(() -> !nodes[leader].serving());
  }

  @Test
  void aNodeIsAddedAndAnotherRemovedWhileTheClusterServes() throws Exception {
    int leader = startThree(1000);
    try (WorkqClient c = client(leader)) {
      c.enqueue("jobs", "echo", "{}", dev.workq.client.TaskOptions.builder().id("kept").build());
    }
    Map<String, String> four = new LinkedHashMap<>(members);
    four.put("n4", "127.0.0.1:" + freePort());
    ClusterNode added = start(3, 1000, four);
    Map<String, String> now = ClusterAdmin.add(members, "n4", four.get("n4"), PLAIN);
    assertEquals(four, now);
    long commit = nodes[leader].status().commitIndex();
    await().atMost(Duration.ofSeconds(30)).until(() -> added.status().appliedIndex() >= commit);
    await().atMost(Duration.ofSeconds(10)).until(() -> nodes[leader].status().members().size() == 4);

    String removed = "n" + (leader + 1);
    Map<String, String> three = ClusterAdmin.remove(now, removed, PLAIN);
    assertFalse(three.containsKey(removed));
    nodes[leader].close();
    nodes[leader] = null;
    int next = awaitLeader();
    assertEquals(3, nodes[next].status().members().size(), "the removed node is gone from the configuration");
    try (WorkqClient c = client(next)) {
      assertEquals(dev.workq.client.TaskState.READY, c.status("kept").state());
    }
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> ClusterAdmin.add(three, "n4", "127.0.0.1:1", PLAIN));
    assertTrue(twice.getMessage().contains("n4 is a member already"), twice.getMessage());
  }

  @Test
  void theNodesReplicateOverMutualTlsAndARaftPeerWithoutACertificateIsRefused() throws Exception {
    certs = new TestCerts(dir);
    int leader = startThree(1000);
    try (WorkqClient c = WorkqClient.connect(ClientOptions.builder().address("127.0.0.1:" + clientPorts[leader]).tlsCa(certs.caCert)
        .build())) {
      assertEquals("secure", c.enqueue("jobs", "echo", "{}", dev.workq.client.TaskOptions.builder().id("secure").build()));
    }
    Map<String, String> four = new LinkedHashMap<>(members);
    four.put("n4", "127.0.0.1:" + freePort());
    BrokerException refused = assertThrows(BrokerException.class, () -> ClusterAdmin.add(members, "n4", four.get("n4"), PLAIN));
    assertTrue(refused.getMessage().contains("cannot change the membership"), refused.getMessage());
    assertEquals(3, nodes[leader].status().members().size(), "a peer without the cluster's certificate changed nothing");

    BrokerException plain = assertThrows(BrokerException.class, () -> ClusterNode.start(
        BrokerOptions.builder().port(freePort()).durability(d -> d.dataDir(dir.resolve("x"))).build(),
        ClusterOptions.builder().nodeId("x").members("x=10.9.9.9:7171,y=10.9.9.8:7171").build()));
    assertTrue(plain.getMessage().contains("refusing to replicate in plaintext with x at 10.9.9.9:7171"), plain.getMessage());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
