package dev.workq.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.auth.Authkey;
import dev.workq.server.Broker;
import dev.workq.server.BrokerOptions;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain Java program that depends on the client alone, run as a real JVM: without any SLF4J
 * provider on its class path it prints no SLF4J warning, and with slf4j-simple added the client's
 * log lines come out. The program finds the broker and the key through WORKQ_BROKER and
 * WORKQ_AUTHKEY only, as a program started from a shell configured for the CLI would.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PlainProgramProcessTest {

  private static final String PROVIDER_SERVICE = "META-INF/services/org.slf4j.spi.SLF4JServiceProvider";
  private static final String SOURCE = """
      import dev.workq.client.WorkqClient;
      import java.time.Duration;
      import java.util.Map;

      public class Plain {
        public static void main(String[] args) {
          try (WorkqClient client = WorkqClient.connect()) {
            client.put("plain", Map.of("n", 1));
            System.out.println("got " + client.get("plain", Duration.ofSeconds(10)).orElseThrow().as(Map.class));
          }
        }
      }
      """;

  @TempDir
  static Path classes;

  @BeforeAll
  static void compile() throws IOException {
    Path src = classes.resolve("Plain.java");
    Files.writeString(src, SOURCE);
    int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "17", "-d", classes.toString(),
        "-cp", String.join(File.pathSeparator, withoutProviders()), src.toString());
    assertEquals(0, rc, "the plain program does not compile against the client alone");
  }

  @Test
  void aProgramWithoutAnSlf4jProviderPrintsNoSlf4jWarning() throws Exception {
    List<String> cp = withoutProviders();
    assertTrue(cp.stream().anyMatch(e -> e.contains("slf4j-api")), "slf4j-api belongs on the class path: " + cp);
    Result r = runAgainstBroker(cp);
    assertEquals(0, r.exit, r.toString());
    assertEquals("got {n=1}", r.out.strip(), r.toString());
    List<String> slf4j = r.err.lines().filter(l -> l.contains("SLF4J")).collect(Collectors.toList());
    assertTrue(slf4j.isEmpty(), "SLF4J lines on stderr: " + slf4j + "\n" + r);
  }

  @Test
  void withSlf4jSimpleOnTheClassPathTheClientStillLogs() throws Exception {
    List<String> cp = classPath();
    assertTrue(cp.stream().anyMatch(e -> e.contains("slf4j-simple")), "slf4j-simple belongs on the test class path: " + cp);
    Result r = runAgainstBroker(cp, "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug");
    assertEquals(0, r.exit, r.toString());
    // cli's simplelogger.properties (on this class path) prints short logger names.
    assertTrue(r.err.contains("Connection - connected to 127.0.0.1:"), r.toString());
    assertTrue(r.err.contains("Using SLF4J as the default logging framework"), "Netty logs through SLF4J too:\n" + r);
    assertFalse(r.err.contains("No SLF4J providers"), r.toString());
  }

  @Test
  void theCliAndAProgramRefuseAMalformedBrokerVariableAlike() throws Exception {
    Map<String, String> env = Map.of("WORKQ_BROKER", "nohostport");
    Result cli = run(classPath(), env, List.of(), "dev.workq.cli.Workq", "stats");
    assertEquals(2, cli.exit, cli.toString());
    assertEquals(1, cli.err.strip().lines().count(), "one line: " + cli);
    assertTrue(cli.err.contains("WORKQ_BROKER must be HOST:PORT with a port in 1..65535, got 'nohostport'"), cli.toString());
    Result program = run(withoutProviders(), env, List.of(), "Plain");
    assertEquals(1, program.exit, program.toString());
    assertTrue(program.err.contains("WORKQ_BROKER must be HOST:PORT with a port in 1..65535, got 'nohostport'"), program.toString());
  }

  private record Result(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  /** Runs the program against a fresh broker with a key, both given only through the environment. */
  private static Result runAgainstBroker(List<String> cp, String... jvmArgs) throws Exception {
    byte[] key = Authkey.generate();
    try (Broker broker = Broker.start(BrokerOptions.builder().port(0).authkey(key).build())) {
      return run(cp, Map.of("WORKQ_BROKER", "127.0.0.1:" + broker.port(), "WORKQ_AUTHKEY", new String(key, StandardCharsets.US_ASCII)),
          Arrays.asList(jvmArgs), "Plain");
    }
  }

  /**
   * Runs {@code mainClass ARGS} in a JVM of its own on {@code cp} (and the compiled program), with
   * {@code env} in place of any WORKQ_ variables of this JVM's environment.
   */
  private static Result run(List<String> cp, Map<String, String> env, List<String> jvmArgs, String mainClass, String... args)
      throws Exception {
    List<String> cmd = new ArrayList<>(List.of(WorkerProcesses.javaBinary(), "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    cmd.addAll(jvmArgs);
    List<String> fullCp = new ArrayList<>(cp);
    fullCp.add(0, classes.toString());
    cmd.addAll(List.of("-cp", String.join(File.pathSeparator, fullCp), mainClass));
    cmd.addAll(Arrays.asList(args));
    Path out = Files.createTempFile(classes, "out", ".txt");
    Path err = Files.createTempFile(classes, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().remove("WORKQ_BROKER");
    pb.environment().remove("WORKQ_AUTHKEY");
    pb.environment().putAll(env);
    Process p = pb.start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError(mainClass + " did not exit within 60 s\n" + Files.readString(err));
      }
    } finally {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static List<String> classPath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> !e.isEmpty())
        .collect(Collectors.toList());
  }

  /** This test's class path less every entry that declares an SLF4J provider (slf4j-simple here). */
  private static List<String> withoutProviders() {
    return classPath().stream().filter(e -> !declaresProvider(Path.of(e))).collect(Collectors.toList());
  }

  private static boolean declaresProvider(Path entry) {
    if (Files.isDirectory(entry)) {
      return Files.exists(entry.resolve(PROVIDER_SERVICE));
    }
    if (!Files.isRegularFile(entry)) {
      return false;
    }
    try (JarFile jar = new JarFile(entry.toFile())) {
      return jar.getEntry(PROVIDER_SERVICE) != null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read class path entry " + entry, e);
    }
  }
}
