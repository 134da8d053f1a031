package dev.workq.bench.system;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starting, waiting for and stopping child processes, always by their own handle (pid). */
public final class Procs {

  private Procs() {}

  /** Starts {@code command} with stdout and stderr appended to {@code log}. */
  public static Process start(List<String> command, Path log, Map<String, String> env) throws IOException {
    Files.createDirectories(log.getParent());
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    return pb.start();
  }

  /** A free TCP port on loopback (there is a small race until the server binds it). */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Waits until something accepts on 127.0.0.1:{@code port}; fails if {@code p} exits first. */
  public static void waitForPort(int port, Duration timeout, Process p, Path log) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (p != null && !p.isAlive()) {
        throw new IllegalStateException("process " + p.pid() + " exited with " + p.exitValue() + " before listening on "
            + port + "; see " + log);
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("nothing listening on 127.0.0.1:" + port + " after " + timeout + "; see " + log);
  }

  /** Waits until {@code log} contains {@code text}; fails if {@code p} exits first. */
  public static void waitForLog(Path log, String text, Duration timeout, Process p) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains(text)) {
        return;
      }
      if (!p.isAlive()) {
        throw new IllegalStateException("process " + p.pid() + " exited with " + p.exitValue() + "; see " + log);
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("'" + text + "' not in " + log + " after " + timeout);
  }

  /**
   * SIGTERM, then SIGKILL after {@code grace}; waits for the exit. Then stops, by pid, any
   * descendant still alive (a server script's VM, helper processes). Null-safe.
   */
  public static void stop(Process p, Duration grace) {
    if (p == null) {
      return;
    }
    List<ProcessHandle> descendants = p.descendants().toList();
    if (p.isAlive()) {
      stopOne(p, grace);
    }
    for (ProcessHandle d : descendants) {
      if (d.isAlive()) {
        d.destroy();
        d.onExit().completeOnTimeout(d, grace.toMillis(), TimeUnit.MILLISECONDS).join();
        if (d.isAlive()) {
          d.destroyForcibly();
        }
      }
    }
  }

  private static void stopOne(Process p, Duration grace) {
    p.destroy();
    try {
      if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Stops every process in {@code ps} (each by its handle), in reverse order of start. */
  public static void stopAll(List<Process> ps, Duration grace) {
    for (int i = ps.size() - 1; i >= 0; i--) {
      stop(ps.get(i), grace);
    }
    ps.clear();
  }

  /** Bits of a peer message id that hold the task number; the bits above hold the run number. */
  public static final int RUN_SHIFT = 40;

  /** The id in the first 8 bytes of a peer message. */
  public static long idOf(byte[] body) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (body[i] & 0xff);
    }
    return v;
  }

  /** {@code id} as 8 big-endian bytes followed by {@code payload}. */
  public static byte[] withId(long id, byte[] payload) {
    byte[] b = new byte[8 + payload.length];
    for (int i = 7; i >= 0; i--) {
      b[i] = (byte) id;
      id >>>= 8;
    }
    System.arraycopy(payload, 0, b, 8, payload.length);
    return b;
  }
}
