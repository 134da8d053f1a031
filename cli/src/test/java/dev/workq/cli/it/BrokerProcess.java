package dev.workq.cli.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A broker in its own JVM ({@code workq broker}), so a test can kill it with SIGKILL and start it
 * again on the same port and data directory. {@link #close()} kills it if it is still running.
 */
public final class BrokerProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("listening on [^:]+:(\\d+)");
  private static final Pattern HTTP = Pattern.compile("metrics on https?://[^:/]+:(\\d+)/");

  private final Process process;
  private final int port;
  private final CompletableFuture<Integer> httpPort;
  private final StringBuffer stdout;
  private final Path log;

  private BrokerProcess(Process process, int port, CompletableFuture<Integer> httpPort, StringBuffer stdout, Path log) {
    this.process = process;
    this.port = port;
    this.httpPort = httpPort;
    this.stdout = stdout;
    this.log = log;
  }

  /** What a broker that was expected to exit did: its exit status and its stderr. */
  public record Exit(int status, String stderr) {
  }

  /** Starts {@code workq broker --port PORT --data-dir DIR ARGS...} and waits until it listens. */
  public static BrokerProcess start(int port, Path dataDir, String... args) throws IOException, InterruptedException {
    return start(List.of(), port, dataDir, args);
  }

  /**
   * As {@link #start(int, Path, String...)}, with {@code jvmArgs} (such as {@code -Dname=value} or
   * {@code -Xmx256m}) for the broker's JVM; the heap is 512 MiB unless they set it.
   */
  public static BrokerProcess start(List<String> jvmArgs, int port, Path dataDir, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = command(jvmArgs, port, dataDir, args);
    Path log = Files.createTempFile("workq-broker-", ".log");
    Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
    CompletableFuture<Integer> bound = new CompletableFuture<>();
    CompletableFuture<Integer> http = new CompletableFuture<>();
    StringBuffer stdout = new StringBuffer();
    // Reads stdout for the whole life of the broker, not only up to "listening on": the HTTP
    // line comes after it, and a pipe nobody drains (or one closed early) would fail the
    // broker's later writes to stdout.
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          stdout.append(line).append('\n');
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            bound.complete(Integer.parseInt(m.group(1)));
          }
          Matcher h = HTTP.matcher(line);
          if (h.find()) {
            http.complete(Integer.parseInt(h.group(1)));
          }
        }
      } catch (IOException e) {
        // The broker is gone; the futures below say so.
      }
      bound.complete(-1);
      http.complete(-1);
    }, "broker-stdout-" + p.pid());
    reader.setDaemon(true);
    reader.start();
    try {
      int actual = bound.get(60, TimeUnit.SECONDS);
      if (actual < 0) {
        throw new IllegalStateException("broker exited before listening: " + Files.readString(log));
      }
      return new BrokerProcess(p, actual, http, stdout, log);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      p.destroyForcibly();
      throw new IllegalStateException("broker did not start: " + Files.readString(log), e);
    }
  }

  /**
   * Runs {@code workq broker --port PORT --data-dir DIR ARGS...} expecting it to exit by itself
   * (it refuses to start) within {@code timeoutSeconds}; kills it and fails if it does not.
   */
  public static Exit runExpectingExit(long timeoutSeconds, int port, Path dataDir, String... args)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile("workq-broker-", ".log");
    try {
      Process p = new ProcessBuilder(command(List.of(), port, dataDir, args))
          .redirectError(log.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException("broker did not exit within " + timeoutSeconds + " s: " + Files.readString(log));
      }
      return new Exit(p.exitValue(), Files.readString(log));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static List<String> command(List<String> jvmArgs, int port, Path dataDir, String... args) {
    List<String> cmd = new ArrayList<>(List.of(WorkerProcesses.javaBinary()));
    if (jvmArgs.stream().noneMatch(a -> a.startsWith("-Xmx"))) {
      cmd.add("-Xmx512m");
    }
    cmd.addAll(jvmArgs);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.workq.cli.Workq", "broker",
        "--port", "" + port, "--data-dir", dataDir.toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  public int port() {
    return port;
  }

  public String address() {
    return "127.0.0.1:" + port;
  }

  /** The HTTP port the broker printed (started with {@code --http-port}); waits up to 10 s for it. */
  public int httpPort() throws Exception {
    int p = httpPort.get(10, TimeUnit.SECONDS);
    if (p < 0) {
      throw new IllegalStateException("broker printed no HTTP port: " + log());
    }
    return p;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Waits up to {@code seconds} for the broker to exit on its own; its status, or null if it still runs. */
  public Integer awaitExit(long seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : null;
  }

  public long pid() {
    return process.pid();
  }

  /** SIGTERM, and up to {@code seconds} for the exit; its status, or null if it still runs. */
  public Integer terminate(long seconds) throws InterruptedException {
    process.destroy();
    return awaitExit(seconds);
  }

  /** SIGKILL, and wait for the process to be gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** What the broker has written to stderr so far: its log alone, which only grows. */
  public String stderr() throws IOException {
    return Files.readString(log);
  }

  /**
   * What the broker wrote to stderr (its log), then to stdout (the banner, and what the JVM
   * itself prints there, such as "Terminating due to java.lang.OutOfMemoryError").
   */
  public String log() throws IOException {
    return Files.readString(log) + (stdout.length() == 0 ? "" : "--- stdout ---\n" + stdout);
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
    Files.deleteIfExists(log);
  }
}
