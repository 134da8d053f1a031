package dev.workq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * (there is no Docker engine here to run it), and every service's command is parsed by the real
 * {@code workq} command line, so a renamed or removed flag fails this test.
 */
class ComposeFileTest {

  static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

  @Test
  void composeFileIsValidAndItsCommandsAreRealWorkqCommands() throws Exception {
    Path compose = ROOT.resolve("docker-compose.yml");
    JsonNode config = new ObjectMapper(new YAMLFactory()).readTree(dockerComposeConfig(compose));
    JsonNode services = config.get("services");
    assertTrue(services.has("broker") && services.has("worker") && services.has("submitter"), services.toString());
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
    assertTrue(broker.get("volumes").get(0).asText().contains(":" + dataDir), "the data directory is on the named volume");
    assertTrue(config.get("volumes").has("workq-data"));
    for (String name : List.of("broker", "worker", "submitter")) {
      assertEquals("test-key-for-compose-config", services.get(name).get("environment").get("WORKQ_AUTHKEY").asText(),
          name + " shares the authkey the broker requires on a non-loopback address");
    }
    String workerBroker = services.get("worker").get("command").toString();
    assertTrue(workerBroker.contains("broker:" + port), "workers reach the broker's service name and port: " + workerBroker);
    JsonNode submitterVolume = services.get("submitter").get("volumes").get(0);
    String hostFile = submitterVolume.isTextual() ? submitterVolume.asText().split(":")[0] : submitterVolume.get("source").asText();
    assertTrue(Files.exists(Path.of(hostFile).isAbsolute() ? Path.of(hostFile) : ROOT.resolve(hostFile)), hostFile);
  }

  @Test
  void dockerfileRunsTheCliJarOnTheOfficialJre() throws Exception {
    String dockerfile = Files.readString(ROOT.resolve("docker/Dockerfile"));
    assertTrue(dockerfile.contains("FROM eclipse-temurin:17-jre"), "based on the official Temurin JRE image");
    assertTrue(dockerfile.contains("cli/target/workq.jar"), "ships the jar the cli module builds");
    assertTrue(dockerfile.contains("\"-jar\", \"/app/workq.jar\""), "its entrypoint runs the CLI");
    String pom = Files.readString(ROOT.resolve("cli/pom.xml"));
    assertTrue(pom.contains("<finalName>workq</finalName>"), "cli/pom.xml still builds workq.jar");
  }

  private static String dockerComposeConfig(Path compose) throws Exception {
    Path binary = Path.of("/usr/bin/docker-compose");
    if (!"true".equals(System.getenv("CI"))) {
      Assumptions.assumeTrue(Files.isExecutable(binary), "needs Debian's docker-compose; .ci/run installs it");
    }
    ProcessBuilder pb = new ProcessBuilder(binary.toString(), "-f", compose.toString(), "config").redirectErrorStream(true);
    pb.environment().put("WORKQ_AUTHKEY", "test-key-for-compose-config");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "docker-compose config did not finish");
    assertEquals(0, p.exitValue(), "docker-compose config rejected the file:\n" + out);
    return out;
  }
}
