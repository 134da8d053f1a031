package dev.workq.pool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A program's pool leaves no process behind however the program ends: it throws, calls
 * System.exit, is SIGTERMed, or is SIGKILLed (then its workers see their parent gone and exit).
 * Each runs {@link PoolProgram} in a child JVM on this test's classpath.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PoolProcessesTest {

  private final List<Long> pids = new ArrayList<>();
  private Process program;

  @AfterEach
  void killEverything() {
    if (program != null) {
      program.destroyForcibly();
    }
    pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  @Test
  void aProgramThatThrowsClosesItsPool() throws Exception {
    List<Long> workers = start("throw");
    assertTrue(program.waitFor(60, TimeUnit.SECONDS), "the program did not exit");
    assertNotEquals(0, program.exitValue());
    assertAllGone(workers, Duration.ofSeconds(5));
  }

  @Test
  void aProgramThatExitsWithoutClosingHasItsWorkersKilledByTheShutdownHook() throws Exception {
    List<Long> workers = start("exit");
    assertTrue(program.waitFor(60, TimeUnit.SECONDS), "the program did not exit");
    assertEquals(3, program.exitValue());
    assertAllGone(workers, Duration.ofSeconds(5));
  }

  @Test
  void aSigtermedProgramStopsItsWorkers() throws Exception {
    List<Long> workers = start("wait");
    program.destroy();
    assertTrue(program.waitFor(60, TimeUnit.SECONDS), "the program did not exit on SIGTERM");
    assertAllGone(workers, Duration.ofSeconds(5));
  }

  @Test
  void theWorkersOfASigkilledProgramExitByThemselves() throws Exception {
    List<Long> workers = start("wait");
    program.destroyForcibly();
    assertTrue(program.waitFor(30, TimeUnit.SECONDS));
    // No hook runs on SIGKILL: each worker's watch on its parent pid must end it.
    assertAllGone(workers, Duration.ofSeconds(30));
  }

  /** Starts the program and returns its workers' pids once it printed them. */
  private List<Long> start(String mode) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    program = new ProcessBuilder(java, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), PoolProgram.class.getName(), mode)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    CompletableFuture<String> line = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(program.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l = r.readLine(); l != null; l = r.readLine()) {
          if (l.startsWith("pids ")) {
            line.complete(l);
          }
        }
      } catch (Exception e) {
        line.completeExceptionally(e);
      }
      line.completeExceptionally(new AssertionError("the program ended without printing its pids"));
    }, "program-output");
    reader.setDaemon(true);
    reader.start();
    List<Long> workers = Arrays.stream(line.get(60, TimeUnit.SECONDS).substring(5).split(" ")).map(Long::parseLong).toList();
    pids.addAll(workers);
    assertEquals(2, workers.size());
    return workers;
  }

  private static void assertAllGone(List<Long> workers, Duration within) {
    await().atMost(within).until(() -> workers.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
  }
}
