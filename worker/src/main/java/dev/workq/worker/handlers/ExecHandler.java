package dev.workq.worker.handlers;

import dev.workq.worker.api.TaskContext;
import dev.workq.worker.api.TaskHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code exec}: runs {@code {"argv": [...], "timeoutMs": N}} and returns its exit code, stdout and
 * stderr. This is remote command execution, so a worker offers it only when started with
 * {@code --allow-exec}. Output is capped at {@link #MAX_OUTPUT} bytes per stream. A command that
 * runs over its limit, or whose task is cancelled (the worker interrupts the handler's thread),
 * is killed at once with everything it started, not only the process itself: see
 * {@link ProcessTree}.
 */
public final class ExecHandler implements TaskHandler<ExecHandler.Input, ExecHandler.Output> {

  public static final String NAME = "exec";
  /** Most bytes of stdout, and of stderr, kept: 1 MiB. */
  public static final int MAX_OUTPUT = 1 << 20;
  /** Default time limit: 60 s. */
  public static final long DEFAULT_TIMEOUT_MS = 60_000;
  /** How long a timed-out command's processes get to disappear after SIGKILL before a WARN: 2 s. */
  static final long KILL_WAIT_MS = 2_000;

  private static final Logger LOG = LoggerFactory.getLogger(ExecHandler.class);

  public record Input(List<String> argv, Long timeoutMs) {
    public Input {
      if (argv == null || argv.isEmpty()) {
        throw new IllegalArgumentException("argv must name a command");
      }
      argv = List.copyOf(argv);
      if (timeoutMs != null && (timeoutMs < 1 || timeoutMs > 3_600_000)) {
        throw new IllegalArgumentException("timeoutMs must be 1..3600000, got " + timeoutMs);
      }
    }
  }

  public record Output(int exitCode, String stdout, String stderr) {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Class<Input> inputType() {
    return Input.class;
  }

  @Override
  public Output handle(Input input, TaskContext context) throws Exception {
    Process p = ProcessTree.start(input.argv(), new java.io.File("/dev/null"));
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
    long timeout = input.timeoutMs() == null ? DEFAULT_TIMEOUT_MS : input.timeoutMs();
    try {
      if (!p.waitFor(timeout, TimeUnit.MILLISECONDS)) {
        killTree(p);
        throw new IllegalStateException("command " + input.argv().get(0) + " ran over its " + timeout + " ms limit and was killed");
      }
      return new Output(p.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
    } catch (InterruptedException | ExecutionException e) {
      killTree(p);
      throw e;
    }
  }

  /** Kills the command and all it started (see {@link ProcessTree}), waiting briefly for them to go. */
  private static void killTree(Process p) {
    List<ProcessHandle> left = ProcessTree.kill(p, KILL_WAIT_MS);
    if (!left.isEmpty()) {
      LOG.warn("exec: {} process(es) of a killed command still run after {} ms: pids {}", left.size(), KILL_WAIT_MS,
          left.stream().map(h -> Long.toString(h.pid())).toList());
    }
  }

  private static String drain(InputStream in) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(chunk)) >= 0) {
        int keep = Math.min(n, MAX_OUTPUT - buf.size());
        if (keep > 0) {
          buf.write(chunk, 0, keep);
        }
      }
    } catch (IOException e) {
      // The process went away; what was read so far is the output.
    }
    return buf.toString(StandardCharsets.UTF_8);
  }
}
