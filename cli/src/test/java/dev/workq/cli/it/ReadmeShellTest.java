package dev.workq.cli.it;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.WorkqClient;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's shell commands run as written: every line of its {@code sh} blocks, and every
 * inline {@code `bin/workq ...`}, runs with bash from the repository's root and must exit 0,
 * unless {@link #SKIPPED} lists it with the reason it cannot run here. So a command added to the
 * README runs here by default, and one that cannot must say why.
 *
 * <p>The client lines run exactly as written: they reach the test's broker through
 * {@code $WORKQ_BROKER}, which every command reads when it has no {@code --broker}. The README's
 * broker and worker lines ({@link #BROKER}, {@link #WORKER}) are the daemons they talk to, started
 * first with mechanical substitutions: {@code --port 7070} becomes {@code --port 0} (the port it
 * prints is used), and the worker's {@code broker-host:7070} and copied {@code workq.jar} become
 * that address and cli/target/workq.jar. Both run in a temporary directory, so the broker's
 * ./workq-data journal stays out of the checkout. It runs bin/workq, so it needs the packaged jar
 * and runs after package ({@link AfterPackage}).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ReadmeShellTest {

  static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

  static final String BROKER = "bin/workq broker --port 7070";
  static final String WORKER =
      "java -XX:+ExitOnOutOfMemoryError -jar workq.jar worker --broker broker-host:7070 --queue tasks --concurrency 4 --prefetch 8";

  /** README commands this test does not run, and why. */
  static final Map<String, String> SKIPPED = Map.ofEntries(
      entry("mvn -q -DskipTests package && bin/workq demo", "builds the project, which is the build this test runs in"),
      entry("mvn -B verify", "the test suite this test is part of"),
      entry("bin/workq demo --workers 4 --tasks 40 --digits 5000",
          "the bigger demo: four worker JVMs and 40 pi tasks of 5000 digits, too slow for every build"),
      entry("bin/workq broker --host 0.0.0.0 --port 7070 --authkey-file key",
          "listens on every interface of the build machine, with a ./key this checkout has not got"),
      entry("bin/workq broker --http-port 8080", "a second broker, on the fixed ports 7070 and 8080"),
      entry("bin/workq broker --node n1 --cluster n1=127.0.0.1:7171,n2=127.0.0.1:7172,n3=127.0.0.1:7173 --port 7071 --data-dir data1",
          "a cluster node, a daemon on fixed ports; ClusterProcessTest runs three such nodes on free ports"),
      entry("bin/workq broker --node n2 --cluster n1=127.0.0.1:7171,n2=127.0.0.1:7172,n3=127.0.0.1:7173 --port 7072 --data-dir data2",
          "a cluster node, a daemon on fixed ports; ClusterProcessTest runs three such nodes on free ports"),
      entry("bin/workq broker --node n3 --cluster n1=127.0.0.1:7171,n2=127.0.0.1:7172,n3=127.0.0.1:7173 --port 7073 --data-dir data3",
          "a cluster node, a daemon on fixed ports; ClusterProcessTest runs three such nodes on free ports"),
      entry("bin/workq worker --broker 127.0.0.1:7071,127.0.0.1:7072,127.0.0.1:7073 --queue tasks",
          "a worker daemon for the cluster above; ClusterProcessTest runs workers given the three nodes"),
      entry("bin/workq submit --broker 127.0.0.1:7071,127.0.0.1:7072,127.0.0.1:7073 --queue tasks --handler echo --payload '{\"n\": 1}' --wait",
          "needs the cluster above; ClusterProcessTest submits through the three nodes"),
      entry("bin/workq stats --broker 127.0.0.1:7071,127.0.0.1:7072,127.0.0.1:7073",
          "needs the cluster above; ClusterNodeTest reads a cluster's stats through a follower's address"),
      entry("mvn -q -DskipTests install", "writes the project's jars into the shared ~/.m2; CustomHandlerJarTest builds the example without it"),
      entry("(cd examples/custom-handler && mvn -q package)",
          "needs the install above; CustomHandlerJarTest compiles the example against the worker API instead"),
      entry("bin/workq worker --handlers examples/custom-handler/target/wordcount-handler.jar",
          "needs the jar the line above builds; CustomHandlerJarTest runs a worker with the example's jar"),
      entry("bin/workq submit --handler wordcount --payload '{\"text\": \"the cat and the hat\"}' --wait",
          "needs the wordcount worker above; CustomHandlerJarTest submits this task"),
      entry("head -c 32 /dev/urandom | base64 > key && chmod 600 key",
          "writes ./key for the TLS recipe after it, which needs certificates this checkout has not got"),
      entry("head -c 32 /dev/urandom | base64 > http-token && chmod 600 http-token",
          "writes ./http-token for the TLS recipe after it, which needs certificates this checkout has not got"),
      entry("head -c 32 /dev/urandom | base64 > http-admin-token && chmod 600 http-admin-token",
          "writes ./http-admin-token for the TLS recipe after it, which needs certificates this checkout has not got"),
      entry("bin/workq broker --host 0.0.0.0 --authkey-file key --tls-cert broker.pem --tls-key broker.key --http-port 8443 "
          + "--http-token-file http-token --http-admin-token-file http-admin-token",
          "needs broker.pem and broker.key, and listens on every interface"),
      entry("bin/workq tls self-signed --dir certs --name broker-host",
          "writes certs/ into the checkout; TlsSelfSignedTest runs the command and serves HTTPS with what it writes"),
      entry("java -XX:+ExitOnOutOfMemoryError -jar workq.jar worker --broker broker-host:7070 --authkey-file key --tls-ca ca.pem",
          "needs a TLS broker on a host named broker-host and its ca.pem"),
      entry("bin/workq stats --broker broker-host:7070 --authkey-file key --tls-ca ca.pem",
          "needs a TLS broker on a host named broker-host and its ca.pem"),
      entry("docker compose up -d --scale worker=4", "no Docker engine here; ComposeFileTest validates the compose file and its commands"),
      entry("docker compose run --rm submitter", "no Docker engine here; ComposeFileTest validates the submitter's command"),
      entry("chromium --headless --no-sandbox --hide-scrollbars --window-size=1280,900 --virtual-time-budget=5000 "
          + "--screenshot=docs/dashboard.png http://127.0.0.1:8080/",
          "needs Chromium and the broker on port 8080, and rewrites docs/dashboard.png; DashboardBrowserTest drives the dashboard in Chromium"));

  private static final Pattern SH_BLOCK = Pattern.compile("(?m)^[ \\t]*```sh\\n(.*?)^[ \\t]*```", Pattern.DOTALL);
  private static final Pattern ANY_BLOCK = Pattern.compile("(?m)^[ \\t]*```.*?^[ \\t]*```", Pattern.DOTALL);
  private static final Pattern INLINE = Pattern.compile("`(bin/workq [^`]+)`");
  private static final Pattern COMMENT = Pattern.compile("\\s+#\\s.*$");
  private static final Pattern LISTENING = Pattern.compile("listening on /?([^\\s:/]+:\\d+)");

  @Test
  void readmeShellCommandsExitZero(@TempDir Path tmp) throws Exception {
    AfterPackage.assume();
    List<String> commands = readmeCommands(Files.readString(ROOT.resolve("README.md")));
    for (String known : SKIPPED.keySet()) {
      assertTrue(commands.contains(known), "SKIPPED lists a command the README no longer has: " + known);
    }
    assertTrue(commands.contains(BROKER) && commands.contains(WORKER), "the README's broker and worker lines changed: " + commands);

    List<Process> daemons = new ArrayList<>();
    try {
      Path brokerLog = tmp.resolve("broker.log");
      daemons.add(start(substitute(BROKER, Map.of("bin/workq", ROOT.resolve("bin/workq").toString(), "--port 7070", "--port 0")),
          tmp, brokerLog, Map.of()));
      String address = awaitLine(daemons.get(0), brokerLog, LISTENING).group(1);
      Path workerLog = tmp.resolve("worker.log");
      Process worker = start(substitute(WORKER, Map.of("broker-host:7070", address,
          " workq.jar ", " " + ROOT.resolve("cli/target/workq.jar") + " ")), tmp, workerLog, Map.of());
      daemons.add(worker);
      awaitLine(worker, workerLog, Pattern.compile("taking tasks from 'tasks'"));
      // `queue delete --queue Q` deletes "a queue created by a typo": this is that typo, empty.
      try (WorkqClient client = WorkqClient.connect(address)) {
        client.get("Q", Duration.ofMillis(1));
      }

      List<String> ran = new ArrayList<>();
      for (String command : commands) {
        if (SKIPPED.containsKey(command) || command.equals(BROKER) || command.equals(WORKER)) {
          continue;
        }
        Path log = tmp.resolve("command-" + ran.size() + ".log");
        Process p = start(command, ROOT, log, Map.of("WORKQ_BROKER", address));
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
          kill(p);
          throw new AssertionError("README command did not finish in 90 s: " + command + "\n" + Files.readString(log));
        }
        assertEquals(0, p.exitValue(), "README command failed: " + command + "\n" + Files.readString(log)
            + "\n--- broker ---\n" + Files.readString(brokerLog) + "\n--- worker ---\n" + Files.readString(workerLog));
        ran.add(command);
      }
      assertTrue(ran.stream().anyMatch(c -> c.startsWith("bin/workq stop ")), "the README stops its workers: " + ran);
      // The README's `stop` put one STOP per worker: the README's worker takes one and exits 0.
      assertTrue(worker.waitFor(60, TimeUnit.SECONDS), "the worker did not exit after STOP:\n" + Files.readString(workerLog));
      assertEquals(0, worker.exitValue(), Files.readString(workerLog));
    } finally {
      for (Process d : daemons) {
        kill(d);
      }
    }
  }

  /** The commands of the README's sh blocks and its inline `bin/workq ...`, comments stripped, in order, once each. */
  static List<String> readmeCommands(String readme) {
    Set<String> commands = new LinkedHashSet<>();
    Matcher block = SH_BLOCK.matcher(readme);
    while (block.find()) {
      for (String line : block.group(1).split("\n")) {
        String command = COMMENT.matcher(line.trim()).replaceFirst("");
        if (!command.isEmpty() && !command.startsWith("#")) {
          commands.add(command);
        }
      }
    }
    Matcher inline = INLINE.matcher(ANY_BLOCK.matcher(readme).replaceAll(""));
    while (inline.find()) {
      commands.add(inline.group(1));
    }
    return List.copyOf(commands);
  }

  /** {@code line} with each key replaced by its value; fails if a key is not in it, so README edits show up here. */
  static String substitute(String line, Map<String, String> replacements) {
    String out = line;
    for (Map.Entry<String, String> r : replacements.entrySet()) {
      assertTrue(out.contains(r.getKey()), "expected '" + r.getKey() + "' in: " + line);
      out = out.replace(r.getKey(), r.getValue());
    }
    return out;
  }

  /** {@code bash -c COMMAND} in {@code dir}, output to {@code log}, this JVM's java first on the PATH. */
  private static Process start(String command, Path dir, Path log, Map<String, String> env) throws IOException {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    String javaBin = Path.of(System.getProperty("java.home"), "bin").toString();
    pb.environment().merge("PATH", javaBin, (path, bin) -> bin + File.pathSeparator + path);
    pb.environment().remove("WORKQ_BROKER");
    pb.environment().remove("WORKQ_AUTHKEY");
    pb.environment().putAll(env);
    return pb.start();
  }

  /** Waits up to 60 s for a line of {@code log} matching {@code pattern}; fails if the process exits first. */
  private static Matcher awaitLine(Process p, Path log, Pattern pattern) throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline)) {
      Matcher m = pattern.matcher(Files.readString(log));
      if (m.find()) {
        return m;
      }
      if (!p.isAlive()) {
        throw new AssertionError("exited with " + p.exitValue() + " before printing /" + pattern + "/:\n" + Files.readString(log));
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no /" + pattern + "/ within 60 s:\n" + Files.readString(log));
  }

  /** SIGTERM (a daemon stops gracefully), SIGKILL after 10 s, then whatever it started that outlived it. */
  private static void kill(Process p) throws InterruptedException {
    List<ProcessHandle> children = p.descendants().toList();
    if (p.isAlive()) {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
    children.forEach(ProcessHandle::destroyForcibly);
  }
}
