package dev.workq.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two reference programs in examples/, each one source file, run as a user runs them
 * ({@code workq run examples/X.java}) in real processes: a local pool of real worker JVMs computes
 * their results, and when they end no worker process of theirs is left. The README shows
 * examples/pi.py and examples/Pi.java side by side, as they are.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ExamplesProcessTest {

  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final String POOL_WORKER = "dev.workq.pool.internal.PoolWorkerMain";

  @TempDir
  Path dir;

  record Run(int status, String out, String err) {}

  private Run workqRun(String example, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
        "-cp", System.getProperty("java.class.path"), "dev.workq.cli.Workq", "run", ROOT.resolve("examples").resolve(example).toString()));
    cmd.addAll(List.of(args));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      assertTrue(p.waitFor(180, TimeUnit.SECONDS), example + " did not end within 180 s");
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** Pool worker processes started since {@code since} that are still alive, waiting up to 10 s for them to go. */
  private static Set<Long> poolWorkersLeft(Instant since) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Set<Long> left;
    do {
      left = new TreeSet<>();
      for (ProcessHandle h : ProcessHandle.allProcesses().toList()) {
        boolean ours = h.info().commandLine().map(c -> c.contains(POOL_WORKER)).orElse(false)
            && h.info().startInstant().map(t -> !t.isBefore(since)).orElse(false);
        if (ours && h.isAlive()) {
          left.add(h.pid());
        }
      }
      if (left.isEmpty()) {
        return left;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    left.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    return left;
  }

  @Test
  void piSumsItsChunksInWorkerProcessesWithMapApplyAsyncAndImap() throws Exception {
    Instant start = Instant.now().minusSeconds(1);
    Run r = workqRun("Pi.java", "2");
    assertEquals(0, r.status(), r.out() + r.err());
    Matcher map = Pattern.compile("map:\\s+pi = (3\\.\\d+) \\(error ([0-9.e-]+)\\) from 8 chunks on 2 processes").matcher(r.out());
    assertTrue(map.find(), r.out());
    assertTrue(Math.abs(Double.parseDouble(map.group(1)) - Math.PI) < 1e-6, map.group(1));
    // The first chunk's terms alone already sum to within 1/chunk-length of pi.
    assertTrue(Pattern.compile("apply_async: first chunk = 3\\.14159\\d+, successful: true").matcher(r.out()).find(), r.out());
    List<String> imap = r.out().lines().filter(l -> l.startsWith("imap:")).toList();
    assertEquals(4, imap.size(), r.out());
    assertTrue(imap.get(3).contains("8 of 8 chunks, pi so far " + map.group(1)), "imap's running sum ends at map's sum: " + r.out());
    assertEquals(Set.of(), poolWorkersLeft(start), "worker processes left after the program ended");
  }

  @Test
  void taskQueueGetsOneResultPerHostAndStopsEachWorker() throws Exception {
    Instant start = Instant.now().minusSeconds(1);
    Run r = workqRun("TaskQueue.java");
    assertEquals(0, r.status(), r.out() + r.err());
    List<String> lines = r.out().lines().toList();
    int header = lines.indexOf("Unordered results:");
    assertTrue(header >= 0, r.out());
    Set<String> hosts = new TreeSet<>();
    Set<Long> pids = new TreeSet<>();
    Pattern answer = Pattern.compile("\\t(\\w+) answered worker process (\\d+)");
    for (String line : lines.subList(header + 1, header + 6)) {
      Matcher m = answer.matcher(line);
      assertTrue(m.matches(), line);
      hosts.add(m.group(1));
      pids.add(Long.parseLong(m.group(2)));
    }
    assertEquals(Set.of("alpha", "bravo", "charlie", "delta", "echo"), hosts);
    for (int i = 0; i < 5; i++) {
      assertTrue(lines.contains("Stopping Process #" + i), r.out());
    }
    for (long pid : pids) {
      assertTrue(ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true), "worker process " + pid + " is still alive");
    }
    assertEquals(Set.of(), poolWorkersLeft(start), "worker processes left after the program ended");
  }

  @Test
  void theReadmeShowsThePythonAndJavaPiProgramsAsTheyAre() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    assertTrue(readme.contains("```python\n" + Files.readString(ROOT.resolve("examples/pi.py")) + "```"),
        "README.md's Python block is not examples/pi.py");
    assertTrue(readme.contains("```java\n" + Files.readString(ROOT.resolve("examples/Pi.java")) + "```"),
        "README.md's Java block is not examples/Pi.java");
  }
}
