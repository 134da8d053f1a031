package dev.workq.cli.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts real worker JVMs ({@code workq worker}) from the test classpath and makes sure none
 * outlives the test: {@link #close()} kills whatever is still running. Each worker's output goes
 * to a log file, printed when a test wants to show why a worker failed.
 */
public final class WorkerProcesses implements AutoCloseable {

  private final List<Process> processes = new ArrayList<>();
  private final List<Path> logs = new ArrayList<>();

  /** Starts {@code workq worker --broker ADDRESS ARGS...}. */
  public Process start(String brokerAddress, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
        "-cp", System.getProperty("java.class.path"), "dev.workq.cli.Workq", "worker", "--broker", brokerAddress));
    cmd.addAll(List.of(args));
    Path log = Files.createTempFile("workq-worker-", ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    processes.add(p);
    logs.add(log);
    return p;
  }

  public List<Process> all() {
    return List.copyOf(processes);
  }

  /** Waits for {@code p} to exit and returns its status; fails the test after {@code seconds}. */
  public int awaitExit(Process p, long seconds) throws InterruptedException {
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      throw new AssertionError("worker pid " + p.pid() + " did not exit within " + seconds + " s; log:\n" + log(p));
    }
    return p.exitValue();
  }

  /** The output of worker {@code p} so far. */
  public String log(Process p) {
    try {
      return Files.readString(logs.get(processes.indexOf(p)));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  static String javaBinary() {
    return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
  }

  @Override
  public void close() throws InterruptedException {
    for (Process p : processes) {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
    for (Process p : processes) {
      p.waitFor(10, TimeUnit.SECONDS);
    }
    for (Path log : logs) {
      try {
        Files.deleteIfExists(log);
      } catch (IOException ignored) {
        // A temp file left behind is harmless.
      }
    }
  }
}
