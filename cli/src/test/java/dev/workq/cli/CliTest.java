package dev.workq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.server.Broker;
import dev.workq.server.BrokerOptions;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's contract for bad input: one line on stderr, a non-zero status, no stack trace. */
class CliTest {

  @RegisterExtension
  final Console console = new Console();
  private Broker broker;

  @BeforeEach
  void startBroker() {
    broker = Broker.start(BrokerOptions.builder().port(0).build());
  }

  @AfterEach
  void stopBroker() {
    broker.close();
  }

  private int run(String... args) {
    return console.run(args);
  }

  private String out() {
    return console.out();
  }

  private String err() {
    return console.err();
  }

  private String addr() {
    return "127.0.0.1:" + broker.port();
  }

  private void assertOneLineError(String expected) {
    String e = err();
    assertTrue(e.startsWith("workq: "), e);
    assertTrue(e.contains(expected), e);
    assertFalse(e.contains("\tat "), "stack trace printed:\n" + e);
  }

  @Test
  void unknownSubcommandIsAUsageError() {
    assertEquals(2, run("frobnicate"));
    assertOneLineError("frobnicate");
  }

  @Test
  void unknownFlagIsAUsageError() {
    assertEquals(2, run("stats", "--broker", addr(), "--bogus"));
    assertOneLineError("--bogus");
  }

  @Test
  void aMistypedSubcommandGetsADidYouMean() {
    assertEquals(2, run("sumbit"));
    assertOneLineError("sumbit");
    assertEquals(2, err().lines().count(), err());
    assertTrue(err().lines().skip(1).findFirst().orElseThrow().contains("submit"), err());
  }

  @Test
  void aMistypedFlagGetsADidYouMean() {
    assertEquals(2, run("submit", "--broker", addr(), "--handler", "echo", "--payload", "{}", "--quue", "x"));
    assertOneLineError("--quue");
    assertEquals(2, err().lines().count(), err());
    assertTrue(err().lines().skip(1).findFirst().orElseThrow().contains("--queue"), err());
    assertTrue(broker.stats().queues().isEmpty(), "nothing submitted");
  }

  @Test
  void aMalformedClusterOrMembershipChangeIsAOneLineUsageError() {
    String members = "n1=127.0.0.1:1,n2=127.0.0.1:2,n3=127.0.0.1:3";
    Object[][] cases = {
        {new String[] {"broker", "--node", "n1", "--port", "7071"}, "a cluster node needs both --node and --cluster"},
        {new String[] {"broker", "--node", "n9", "--cluster", members, "--port", "7071"}, "node n9 is not among the cluster members"},
        {new String[] {"broker", "--node", "n1", "--cluster", "n1=127.0.0.1", "--port", "7071"}, "address '127.0.0.1' of n1 is not HOST:PORT"},
        {new String[] {"broker", "--node", "n1", "--cluster", members, "--in-memory"}, "--in-memory does not apply"},
        {new String[] {"cluster", "add", "n4", "--cluster", members}, "the node to add must be ID=HOST:PORT"},
        {new String[] {"cluster", "add", "n1=127.0.0.1:9", "--cluster", members}, "node n1 is a member already"},
        {new String[] {"cluster", "remove", "n7", "--cluster", members}, "node n7 is not among the members"},
        {new String[] {"cluster", "remove", "n1", "--cluster", "n1"}, "cluster member 'n1' is not ID=HOST:PORT"},
        {new String[] {"cluster"}, "say what to change"},
    };
    for (Object[] c : cases) {
      String[] args = (String[]) c[0];
      assertEquals(2, run(args), String.join(" ", args) + ": " + err());
      assertOneLineError((String) c[1]);
    }
  }

  @Test
  void malformedValuesMissingOptionsAndBadCombinationsExit2() {
    String[][] cases = {
        {"results", "--broker", addr(), "--queue", "q.done", "--count", "many"},
        {"results", "--broker", addr(), "--queue", "q.done", "--count", "1", "--timeout", "-1"},
        {"results", "--broker", addr(), "--queue", "q.done"},
        {"stop", "--broker", addr(), "--workers", "0"},
        {"stop", "--broker", addr()},
        {"dead-letters", "list", "--broker", addr(), "--limit", "0"},
        {"submit", "--broker", addr(), "--handler", "echo"},
        {"submit", "--broker", addr(), "--handler", "echo", "--payload", "{}", "--file", "x"},
        {"submit", "--broker", addr(), "--handler", "echo", "--payload", "{}", "--max-attempts", "0"},
        {"broker", "--port", "http", "--in-memory"},
        {"broker", "--port", "0", "--in-memory", "--tls-cert", "c.pem"},
        {"stats", "--broker", addr(), "--tls-cert", "c.pem"},
        {"worker", "--broker", addr(), "--concurrency", "0"},
        {"broker", "--port", "0", "--in-memory", "--result-retention", "60"},
        {"broker", "--port", "0", "--in-memory", "--result-retention", "1d"},
    };
    for (String[] args : cases) {
      assertEquals(2, run(args), String.join(" ", args) + ": " + err());
      assertOneLineError("");
    }
  }

  @Test
  void statsShowsPausedQueuesAndReadyStops() throws Exception {
    try (Broker b = Broker.start(BrokerOptions.builder().port(0).http(h -> h.port(0)).build());
        dev.workq.client.WorkqClient c = dev.workq.client.WorkqClient.connect("127.0.0.1:" + b.port())) {
      c.put("held", 1);
      c.stopWorkers("held", 2);
      c.put("open", 1);
      java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
          .newBuilder(java.net.URI.create("http://127.0.0.1:" + b.httpPort() + "/api/queues/held/pause"))
          .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(0, run("stats", "--broker", "127.0.0.1:" + b.port()), err());
      java.util.List<String> lines = out().lines().toList();
      assertTrue(lines.get(0).endsWith("STOPS"), out());
      String held = lines.stream().filter(l -> l.startsWith("held")).findFirst().orElseThrow();
      assertTrue(held.startsWith("held (PAUSED)") && held.endsWith(" 2"), out());
      String open = lines.stream().filter(l -> l.startsWith("open")).findFirst().orElseThrow();
      assertFalse(open.contains("PAUSED"), out());
      assertTrue(open.endsWith(" 0"), out());
      assertTrue(out().contains("1 queue is paused (PAUSED)"), out());
      assertEquals(0, run("stats", "--broker", "127.0.0.1:" + b.port(), "--json"), err());
      assertTrue(out().contains("\"name\":\"held\",\"ready\":3,") && out().contains("\"paused\":true,\"stops\":2,\"closed\":false}"), out());
    }
  }

  @Test
  void noSubcommandIsAUsageError() {
    assertEquals(2, run());
    assertOneLineError("subcommand");
  }

  @Test
  void unreachableBrokerIsAOneLineError() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    assertEquals(1, run("stats", "--broker", "127.0.0.1:" + port));
    assertOneLineError("cannot reach broker at 127.0.0.1:" + port + ": connection refused");
    assertEquals(1, err().lines().count(), err());
  }

  @Test
  void malformedBrokerAddressIsAUsageError() {
    assertEquals(2, run("stats", "--broker", "nohostport"));
    assertOneLineError("HOST:PORT");
  }

  @Test
  void portInUseIsAOneLineError() {
    assertEquals(1, run("broker", "--in-memory", "--port", "" + broker.port()));
    assertOneLineError("cannot listen on 127.0.0.1:" + broker.port());
  }

  @Test
  void deadLettersCanBeListedRequeuedAndPurgedFromTheShell() throws Exception {
    try (dev.workq.client.WorkqClient c = dev.workq.client.WorkqClient.connect(addr())) {
      c.async().enqueue("imgs", "resize", java.util.Map.of("w", 1)).get(5, java.util.concurrent.TimeUnit.SECONDS);
      c.async().enqueue("imgs", "resize", java.util.Map.of("w", 2)).get(5, java.util.concurrent.TimeUnit.SECONDS);
      try (dev.workq.client.WorkqClient w = dev.workq.client.WorkqClient.connect(addr())) {
        w.consume("imgs", 2, d -> d.fail("java.io.IOException: corrupt", true, new byte[0]));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
            .until(() -> c.deadLetters("imgs", 10).total() == 2);
      }
    }
    assertEquals(0, run("dead-letters", "list", "--broker", addr(), "--queue", "imgs"), err());
    assertEquals(2, out().lines().count(), out());
    assertTrue(out().contains("\"errors\":[\"java.io.IOException: corrupt\"]"), out());
    String firstId = dev.workq.protocol.Json.mapper().readTree(out().lines().findFirst().orElseThrow()).get("id").asText();
    assertEquals(0, run("dead-letters", "requeue", "--broker", addr(), "--queue", "imgs", "--id", firstId), err());
    assertEquals("requeued 1 dead letters on 'imgs'", out().strip());
    assertEquals(0, run("dead-letters", "purge", "--broker", addr(), "--queue", "imgs"), err());
    assertEquals("purged 1 dead letters on 'imgs'", out().strip());
    assertEquals(1, broker.stats().queues().stream().filter(q -> q.name().equals("imgs")).findFirst().orElseThrow().ready());
  }

  @Test
  void queueDeleteRefusesAQueueThatHoldsItemsUntilForcedAndSaysWhy() throws Exception {
    try (dev.workq.client.WorkqClient c = dev.workq.client.WorkqClient.connect(addr())) {
      c.put("typo-queue", 1);
      c.put("typo-queue", 2);
    }

    assertEquals(1, run("queue", "delete", "--broker", addr(), "--queue", "typo-queue"));
    assertOneLineError("QUEUE_NOT_EMPTY: queue 'typo-queue' holds 2 ready");
    assertEquals(0, run("queue", "delete", "--broker", addr(), "--queue", "typo-queue", "--force"), err());
    assertEquals("deleted queue 'typo-queue' and its 2 items", out().strip());
    assertEquals(1, run("queue", "delete", "--broker", addr(), "--queue", "typo-queue"));
    assertOneLineError("UNKNOWN_QUEUE: no queue named 'typo-queue'");
    assertEquals(2, run("queue", "delete", "--broker", addr()), "--queue is required");
  }

  @Test
  void aCorruptJournalStopsTheBrokerWithOneLineNamingTheFile(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("journal-00000000000000000001.wqj"), "this is not a journal at all".getBytes(StandardCharsets.UTF_8));
    assertEquals(1, run("broker", "--port", "0", "--data-dir", dir.toString()));
    assertOneLineError("cannot open the journal in " + dir);
    assertTrue(err().contains("journal-00000000000000000001.wqj"), err());
    assertEquals(1, err().lines().count(), err());
  }

  @Test
  void aBadFsyncPolicyIsAUsageError() {
    assertEquals(2, run("broker", "--port", "0", "--in-memory", "--fsync", "sometimes"));
    assertOneLineError("--fsync must be always, batch or never");
  }

  @Test
  void malformedPayloadJsonIsRefusedBeforeAnythingIsSent() {
    assertEquals(2, run("submit", "--broker", addr(), "--queue", "q1", "--handler", "echo", "--payload", "{\"a\":"));
    assertOneLineError("--payload is not valid JSON");
    assertTrue(broker.stats().queues().isEmpty());
  }

  @Test
  void aBadLineInAFileSubmitsNothing(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("tasks.jsonl");
    Files.writeString(file, "{\"i\":1}\n{\"i\":2\n{\"i\":3}\n");
    assertEquals(2, run("submit", "--broker", addr(), "--queue", "q2", "--handler", "echo", "--file", file.toString()));
    assertOneLineError("tasks.jsonl:2 is not valid JSON");
    assertTrue(broker.stats().queues().isEmpty());
  }

  @Test
  void missingFileIsAUsageError() {
    assertEquals(2, run("submit", "--broker", addr(), "--handler", "echo", "--file", "/nonexistent/tasks.jsonl"));
    assertOneLineError("no such file");
  }

  @Test
  void verbosePrintsTheStackTrace() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    assertEquals(1, run("stats", "--verbose", "--broker", "127.0.0.1:" + port));
    assertTrue(err().contains("\tat "), err());
  }

  @Test
  void submitPrintsOneIdPerLineAndResultsTakesThemOffTheDoneQueue(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("tasks.jsonl");
    Files.writeString(file, "{\"i\":1}\n\n{\"i\":2}\n{\"i\":3}\n");
    assertEquals(0, run("submit", "--broker", addr(), "--queue", "jobs", "--handler", "echo", "--file", file.toString()), err());
    assertEquals(3, out().lines().count(), out());
    assertEquals(3, broker.stats().queues().get(0).ready());
    assertEquals(0, run("stats", "--broker", addr()), err());
    assertTrue(out().contains("QUEUE") && out().contains("jobs"), out());
    // No worker ran them, so the done queue is empty: results reports the shortfall.
    assertEquals(1, run("results", "--broker", addr(), "--queue", "jobs.done", "--count", "2", "--timeout", "0.3"));
    assertOneLineError("only 0 of 2 results arrived on 'jobs.done'");
    assertEquals(0, run("stop", "--broker", addr(), "--queue", "jobs", "--workers", "2"), err());
    assertEquals(0, run("stats", "--broker", addr(), "--json"), err());
    assertTrue(out().startsWith("{\"queues\":[{\"name\":\"jobs\",\"ready\":5"), out());
  }

  @Test
  void aBrokerWithoutAKeyRefusesANonLoopbackAddress() {
    assertEquals(2, run("broker", "--host", "0.0.0.0", "--port", "0", "--in-memory"), "a bad combination of options");
    assertOneLineError("refusing to listen on 0.0.0.0 without an authkey");
  }

  @Test
  void aMissingKeyFileIsAUsageError(@TempDir Path dir) {
    assertEquals(2, run("stats", "--broker", addr(), "--authkey-file", dir.resolve("nope").toString()));
    assertOneLineError("cannot read authkey file");
  }

  @Test
  void aWorldReadableKeyFileIsRefused(@TempDir Path dir) throws Exception {
    Path key = Files.writeString(dir.resolve("key"), "secret\n");
    Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    assertEquals(2, run("stats", "--broker", addr(), "--authkey-file", key.toString()));
    assertOneLineError("has mode 644; it must be readable by its owner only (chmod 600 " + key + ")");
  }

  @Test
  void anHttpTokenFileOthersCanReadOrAShortTokenIsAUsageError(@TempDir Path dir) throws Exception {
    Path open = Files.writeString(dir.resolve("http-token"), "a-token-of-at-least-16-bytes\n");
    Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
    assertEquals(2, run("broker", "--port", "0", "--in-memory", "--http-port", "0", "--http-token-file", open.toString()));
    assertOneLineError("HTTP token file " + open + " has mode 640; it must be readable by its owner only (chmod 600 " + open + ")");
    Path shortToken = Files.writeString(dir.resolve("short"), "short\n");
    Files.setPosixFilePermissions(shortToken, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    assertEquals(2, run("broker", "--port", "0", "--in-memory", "--http-port", "0", "--http-admin-token-file", shortToken.toString()));
    assertOneLineError("httpAdminToken must be 16..4096 bytes, got 5");
  }

  @Test
  void aShortAuthkeyIsAUsageErrorForTheBroker(@TempDir Path dir) throws Exception {
    Path key = Files.writeString(dir.resolve("key"), "secret\n");
    Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    assertEquals(2, run("broker", "--port", "0", "--in-memory", "--authkey-file", key.toString()));
    assertOneLineError("authkey has 6 bytes; an authkey needs at least 16");
  }

  @Test
  void aPlaintextHttpPortBeyondLoopbackIsRefused(@TempDir Path dir) throws Exception {
    Path key = Files.writeString(dir.resolve("key"), "a-secret-of-24-bytes-ok\n");
    Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    Path token = Files.writeString(dir.resolve("http-token"), "a-token-of-at-least-16-bytes\n");
    Files.setPosixFilePermissions(token, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    assertEquals(1, run("broker", "--host", "0.0.0.0", "--port", "0", "--in-memory", "--authkey-file", key.toString(),
        "--http-port", "0", "--http-token-file", token.toString()));
    assertOneLineError("refusing to serve HTTP on 0.0.0.0:0 in plaintext");
  }

  @Test
  void aKeyTheBrokerDoesNotHaveIsOneAuthFailedLine(@TempDir Path dir) throws Exception {
    Path key = Files.writeString(dir.resolve("key"), "secret\n");
    Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    assertEquals(1, run("stats", "--broker", addr(), "--authkey-file", key.toString()));
    assertOneLineError("AUTH_FAILED: the broker did not prove the authkey");
  }

  @Test
  void aKeyedBrokerServesTheSameKeyFromAFile(@TempDir Path dir) throws Exception {
    Path key = Files.writeString(dir.resolve("key"), "a-secret-of-24-bytes-ok\n");
    Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    try (Broker keyed = Broker.start(BrokerOptions.builder().port(0).authkey("a-secret-of-24-bytes-ok".getBytes(StandardCharsets.UTF_8)).build())) {
      assertEquals(0, run("stats", "--broker", "127.0.0.1:" + keyed.port(), "--authkey-file", key.toString()), err());
      assertEquals(1, run("stats", "--broker", "127.0.0.1:" + keyed.port()));
      assertOneLineError("AUTH_FAILED: the broker requires an authkey");
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(30)
  void aWorkerRefusesAHandlersFileThatIsNotAJar(@TempDir Path dir) throws Exception {
    Path readme = Files.writeString(dir.resolve("README.md"), "# workq\n\nA distributed work queue.\n");
    assertEquals(2, run("worker", "--broker", addr(), "--handlers", readme.toString()));
    assertOneLineError("handler jar " + readme + " is not a jar");
    assertEquals(1, err().lines().count(), err());
    assertEquals(0, broker.stats().workers().size(), "the worker connected before refusing its handlers");
  }

  @Test
  @org.junit.jupiter.api.Timeout(30)
  void aWorkerRefusesAJarThatOffersNoHandler(@TempDir Path dir) throws Exception {
    Path jar = dir.resolve("empty.jar");
    java.util.jar.Manifest manifest = new java.util.jar.Manifest();
    manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
    try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar), manifest)) {
      // a valid jar with nothing in it but its manifest
    }
    assertEquals(2, run("worker", "--broker", addr(), "--handlers", jar.toString()));
    assertOneLineError("handler jar " + jar + " offers no handler: it has no META-INF/services/dev.workq.worker.api.TaskHandler");
    assertEquals(1, err().lines().count(), err());
  }

  @Test
  @org.junit.jupiter.api.Timeout(30)
  void aWorkerRefusesAMissingHandlersJar(@TempDir Path dir) {
    Path missing = dir.resolve("nope.jar");
    assertEquals(2, run("worker", "--broker", addr(), "--handlers", missing.toString()));
    assertOneLineError("handler jar " + missing + " does not exist");
    assertEquals(1, err().lines().count(), err());
  }
}
