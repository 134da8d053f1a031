package dev.workq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * docker-compose.yml and the Dockerfile stay true to the CLI: Compose itself validates the file
 * (there is no Docker engine here to run it), every service's command is parsed by the real
 * {@code workq} command line, so a renamed or removed flag fails this test, and the broker's HTTP
 * port gets its certificate and tokens the way docs/SECURITY.md requires beyond loopback.
 */
class ComposeFileTest {

  static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

  @Test
  void composeFileIsValidAndItsCommandsAreRealWorkqCommands() throws Exception {
    Path compose = ROOT.resolve("docker-compose.yml");
    JsonNode config = new ObjectMapper(new YAMLFactory()).readTree(dockerComposeConfig(compose));
    JsonNode services = config.get("services");
    assertTrue(services.has("certs") && services.has("broker") && services.has("worker") && services.has("submitter"), services.toString());
    for (var it = services.fields(); it.hasNext(); ) {
      var service = it.next();
      List<String> args = new ArrayList<>();
      service.getValue().get("command").forEach(a -> args.add(a.asText()));
      CommandLine cl = new CommandLine(new Workq());
      try {
        cl.parseArgs(args.toArray(String[]::new));
      } catch (CommandLine.ParameterException e) {
        throw new AssertionError("service '" + service.getKey() + "' runs a command workq rejects: " + e.getMessage(), e);
      }
    }
    JsonNode broker = services.get("broker");
    List<String> brokerArgs = new ArrayList<>();
    broker.get("command").forEach(a -> brokerArgs.add(a.asText()));
    String port = brokerArgs.get(brokerArgs.indexOf("--port") + 1);
    String httpPort = brokerArgs.get(brokerArgs.indexOf("--http-port") + 1);
    String dataDir = brokerArgs.get(brokerArgs.indexOf("--data-dir") + 1);
    List<String> targets = new ArrayList<>();
    broker.get("ports").forEach(p -> targets.add(p.get("target").asText()));
    assertTrue(targets.contains(port) && targets.contains(httpPort), "broker publishes " + targets + ", listens on " + port + "/" + httpPort);
    assertEquals(new Mount("workq-data", dataDir, false), mounts(broker).get(0), "the data directory is on the named volume");
    assertTrue(config.get("volumes").has("workq-data"));
    for (String name : List.of("broker", "worker", "submitter")) {
      assertEquals("test-key-for-compose-config", services.get(name).get("environment").get("WORKQ_AUTHKEY").asText(),
          name + " shares the authkey the broker requires on a non-loopback address");
    }
    for (String name : List.of("WORKQ_HTTP_TOKEN", "WORKQ_HTTP_ADMIN_TOKEN")) {
      assertEquals("test-" + name.toLowerCase(java.util.Locale.ROOT) + "-0123456789", broker.get("environment").get(name).asText(),
          "the broker takes " + name + " from the environment");
    }
    String workerBroker = services.get("worker").get("command").toString();
    assertTrue(workerBroker.contains("broker:" + port), "workers reach the broker's service name and port: " + workerBroker);
    JsonNode submitterVolume = services.get("submitter").get("volumes").get(0);
    String hostFile = submitterVolume.isTextual() ? submitterVolume.asText().split(":")[0] : submitterVolume.get("source").asText();
    assertTrue(Files.exists(Path.of(hostFile).isAbsolute() ? Path.of(hostFile) : ROOT.resolve(hostFile)), hostFile);
  }

  /**
   * The broker's HTTP port serves HTTPS beyond loopback with a certificate the one-shot certs
   * service makes, idempotently, in a volume the broker mounts read-only, and it starts only once
   * that is done.
   */
  @Test
  void theCertsServiceMakesTheCertificateTheBrokersHttpPortServes() throws Exception {
    JsonNode services = new ObjectMapper(new YAMLFactory()).readTree(dockerComposeConfig(ROOT.resolve("docker-compose.yml"))).get("services");
    List<String> certsArgs = args(services.get("certs"));
    assertEquals(List.of("tls", "self-signed"), certsArgs.subList(0, 2), "certs runs workq tls self-signed: " + certsArgs);
    assertTrue(certsArgs.contains("--if-missing"), "a second 'up' keeps the certificate the browser was shown: " + certsArgs);
    List<String> names = new ArrayList<>();
    for (int i = certsArgs.indexOf("--name"); i >= 0 && i < certsArgs.size() - 1; i += 2) {
      if (certsArgs.get(i).equals("--name")) {
        names.add(certsArgs.get(i + 1));
      }
    }
    assertTrue(names.containsAll(List.of("localhost", "broker")), "the certificate names the dashboard's host and the service: " + names);
    String dir = certsArgs.get(certsArgs.indexOf("--dir") + 1);
    Mount written = mounts(services.get("certs")).stream().filter(m -> m.target().equals(dir)).findFirst()
        .orElseThrow(() -> new AssertionError("certs writes " + dir + ", which is no volume"));
    assertFalse(written.readOnly());

    JsonNode broker = services.get("broker");
    assertEquals("service_completed_successfully", broker.get("depends_on").get("certs").get("condition").asText(),
        "the broker starts once the certificate is there");
    Mount read = mounts(broker).stream().filter(m -> m.source().equals(written.source())).findFirst()
        .orElseThrow(() -> new AssertionError("the broker does not mount " + written.source()));
    assertTrue(read.readOnly(), "the broker mounts the certificate read-only");
    List<String> brokerArgs = args(broker);
    assertEquals(read.target() + "/cert.pem", brokerArgs.get(brokerArgs.indexOf("--http-tls-cert") + 1));
    assertEquals(read.target() + "/key.pem", brokerArgs.get(brokerArgs.indexOf("--http-tls-key") + 1));
    String allowed = brokerArgs.get(brokerArgs.indexOf("--http-allow-host") + 1);
    assertTrue(names.contains(allowed), "the name a Prometheus on the network scrapes by is allowed and in the certificate: " + allowed);
  }

  @Test
  void composeRefusesToStartWithoutEitherHttpToken() throws Exception {
    for (String missing : List.of("WORKQ_HTTP_TOKEN", "WORKQ_HTTP_ADMIN_TOKEN")) {
      Result r = runDockerComposeConfig(ROOT.resolve("docker-compose.yml"), missing);
      assertTrue(r.status() != 0, "docker-compose config accepted the file without " + missing);
      assertTrue(r.output().contains("set " + missing), r.output());
    }
  }

  @Test
  void dockerfileRunsTheCliJarOnTheOfficialJre() throws Exception {
    String dockerfile = Files.readString(ROOT.resolve("docker/Dockerfile"));
    assertTrue(dockerfile.contains("FROM eclipse-temurin:17-jre"), "based on the official Temurin JRE image");
    assertTrue(dockerfile.contains("cli/target/workq.jar"), "ships the jar the cli module builds");
    assertTrue(dockerfile.contains("\"-jar\", \"/app/workq.jar\""), "its entrypoint runs the CLI");
    String pom = Files.readString(ROOT.resolve("cli/pom.xml"));
    assertTrue(pom.contains("<finalName>workq</finalName>"), "cli/pom.xml still builds workq.jar");
    assertTrue(dockerfile.contains("mkdir -p /data /certs && chown workq /data /certs && chmod 700 /certs"),
        "the volumes' mount points belong to the image's user, so its named volumes do too");
  }

  /** A service's volume, from the short form ("src:dst:ro", docker-compose 1) or the long one (Compose 2). */
  /**
   * The cluster profile: three nodes that all name the same members, each its own Raft log on its
   * own volume, replicating over mutual TLS with a certificate that names every node, and workers
   * given every node.
   */
  @Test
  void theClusterProfileRunsThreeNodesOnMutualTlsAndWorkersThatKnowThemAll() throws Exception {
    JsonNode services = new ObjectMapper(new YAMLFactory()).readTree(dockerComposeConfig(ROOT.resolve("docker-compose.yml"))).get("services");
    java.util.Set<String> volumes = new java.util.HashSet<>();
    String members = null;
    for (String node : List.of("node1", "node2", "node3")) {
      List<String> args = new ArrayList<>();
      services.get(node).get("command").forEach(a -> args.add(a.asText()));
      assertEquals(node, args.get(args.indexOf("--node") + 1));
      String cluster = args.get(args.indexOf("--cluster") + 1);
      assertEquals(members == null ? cluster : members, cluster, node + " names the same members");
      members = cluster;
      assertTrue(cluster.contains(node + "=" + node + ":"), cluster);
      assertTrue(args.contains("--cluster-ca") && args.contains("--tls-cert"), node + " replicates over mutual TLS: " + args);
      assertEquals("cluster", services.get(node).get("profiles").get(0).asText());
      volumes.add(mounts(services.get(node)).get(0).source());
    }
    assertEquals(3, volumes.size(), "each node its own data volume: " + volumes);
    List<String> certsArgs = new ArrayList<>();
    services.get("certs").get("command").forEach(a -> certsArgs.add(a.asText()));
    assertTrue(certsArgs.containsAll(List.of("node1", "node2", "node3")), "the certificate names every node: " + certsArgs);
    String workers = services.get("cluster-worker").get("command").toString();
    assertTrue(workers.contains("node1:7070,node2:7070,node3:7070"), workers);
  }

  record Mount(String source, String target, boolean readOnly) {
  }

  record Result(int status, String output) {
  }

  private static List<Mount> mounts(JsonNode service) {
    List<Mount> mounts = new ArrayList<>();
    for (JsonNode v : service.get("volumes")) {
      if (v.isTextual()) {
        String[] parts = v.asText().split(":");
        mounts.add(new Mount(parts[0], parts[1], parts.length > 2 && parts[2].equals("ro")));
      } else {
        mounts.add(new Mount(v.get("source").asText(), v.get("target").asText(), v.path("read_only").asBoolean(false)));
      }
    }
    return mounts;
  }

  private static List<String> args(JsonNode service) {
    List<String> args = new ArrayList<>();
    service.get("command").forEach(a -> args.add(a.asText()));
    return args;
  }

  private static String dockerComposeConfig(Path compose) throws Exception {
    Result r = runDockerComposeConfig(compose, null);
    assertEquals(0, r.status(), "docker-compose config rejected the file:\n" + r.output());
    return r.output();
  }

  /** {@code docker-compose config} with the variables the file requires set, less {@code unset}. */
  private static Result runDockerComposeConfig(Path compose, String unset) throws Exception {
    Path binary = Path.of("/usr/bin/docker-compose");
    if (!"true".equals(System.getenv("CI"))) {
      Assumptions.assumeTrue(Files.isExecutable(binary), "needs Debian's docker-compose; .ci/run installs it");
    }
    ProcessBuilder pb = new ProcessBuilder(binary.toString(), "-f", compose.toString(), "config").redirectErrorStream(true);
    pb.environment().put("WORKQ_AUTHKEY", "test-key-for-compose-config");
    for (String name : List.of("WORKQ_HTTP_TOKEN", "WORKQ_HTTP_ADMIN_TOKEN")) {
      pb.environment().put(name, "test-" + name.toLowerCase(java.util.Locale.ROOT) + "-0123456789");
    }
    if (unset != null) {
      pb.environment().remove(unset);
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "docker-compose config did not finish");
    return new Result(p.exitValue(), out);
  }
}
