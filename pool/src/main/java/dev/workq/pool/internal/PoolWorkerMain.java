package dev.workq.pool.internal;

import dev.workq.client.ClientOptions;
import dev.workq.worker.Worker;
import dev.workq.worker.WorkerOptions;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The main class of a local pool's worker JVM: a {@link Worker} on the pool's queue offering the
 * program's {@code @Task}s (scanned from its classpath) and its registered tasks, which stops
 * when its parent process dies, so a pool whose program was killed leaves no process behind.
 *
 * <p>Flags (parsed here, so the pool needs no command-line library): {@code --broker HOST:PORT
 * --queue Q --threads T --parent-pid PID [--task name=binary.Class#method]...}; the authkey comes
 * from {@code $WORKQ_AUTHKEY}. Exits with {@link Worker#run()}'s status, 2 for bad flags.
 */
public final class PoolWorkerMain {

  /** Exit status for bad flags or a parent that is gone at start. */
  static final int EXIT_USAGE = 2;
  /** How long a worker whose parent died may take to stop before it halts. */
  private static final Duration ORPHAN_GRACE = Duration.ofSeconds(10);

  /** Jar names of workq and the libraries it ships: nothing of the program's to scan for tasks in them. */
  private static final List<String> LIBRARY_JARS = List.of("workq", "netty-", "jackson-", "slf4j-", "picocli-", "bcp", "bcutil-",
      "bcprov-", "micrometer-", "HdrHistogram-", "LatencyUtils-", "progressbar-", "jline-", "classgraph-", "awaitility-", "junit-",
      "hamcrest-", "opentest4j-", "apiguardian-", "snakeyaml-", "surefire", "common-java", "common-junit");

  private PoolWorkerMain() {}

  public static void main(String[] args) {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    Flags flags;
    try {
      flags = Flags.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("workq pool worker: " + e.getMessage());
      System.exit(EXIT_USAGE);
      return;
    }
    Optional<ProcessHandle> parent = ProcessHandle.of(flags.parentPid);
    if (parent.isEmpty()) {
      System.err.println("workq pool worker: parent process " + flags.parentPid + " is gone");
      System.exit(EXIT_USAGE);
      return;
    }
    Worker worker = new Worker(WorkerOptions.builder()
        .client(ClientOptions.builder().address(flags.broker).name("pool-worker").build())
        .queue(flags.queue)
        .concurrency(flags.threads)
        .prefetch(flags.threads)
        .reconnectTimeout(Duration.ofSeconds(10))
        .cancelGrace(Duration.ofSeconds(5))
        .taskPath(taskPath())
        .tasks(flags.tasks)
        .build());
    CountDownLatch ran = new CountDownLatch(1);
    parent.get().onExit().thenRun(() -> {
      System.err.println("workq pool worker " + ProcessHandle.current().pid() + ": parent " + flags.parentPid + " exited; stopping");
      worker.stop();
      haltIfStuck(ran);
    });
    // SIGTERM (the pool's second step): stop as on a STOP, within the JVM's shutdown.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      worker.stop();
      await(ran, ORPHAN_GRACE);
    }, "workq-pool-worker-stop"));
    int status = worker.run();
    ran.countDown();
    System.exit(status);
  }

  /** A handler that ignores its interrupt must not keep an orphan alive for ever. */
  private static void haltIfStuck(CountDownLatch ran) {
    Thread t = new Thread(() -> {
      if (!await(ran, ORPHAN_GRACE)) {
        Runtime.getRuntime().halt(1);
      }
    }, "workq-pool-orphan-halt");
    t.setDaemon(true);
    t.start();
  }

  private static boolean await(CountDownLatch latch, Duration timeout) {
    try {
      return latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The classpath entries that can hold the program's tasks: directories, and jars that are not workq's or its libraries'. */
  static List<Path> taskPath() {
    List<Path> out = new ArrayList<>();
    for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (e.isEmpty()) {
        continue;
      }
      Path p = Path.of(e);
      String name = p.getFileName() == null ? "" : p.getFileName().toString();
      if (Files.isDirectory(p) || (name.endsWith(".jar") && Files.isRegularFile(p) && LIBRARY_JARS.stream().noneMatch(name::startsWith))) {
        out.add(p);
      }
    }
    return out;
  }

  /** The parsed flags. */
  private static final class Flags {
    String broker;
    String queue;
    int threads = 1;
    long parentPid = -1;
    final Map<String, String> tasks = new LinkedHashMap<>();

    static Flags parse(String[] args) {
      Flags f = new Flags();
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(flag + " needs a value");
        }
        String value = args[++i];
        switch (flag) {
          case "--broker" -> f.broker = value;
          case "--queue" -> f.queue = value;
          case "--threads" -> f.threads = (int) number(flag, value);
          case "--parent-pid" -> f.parentPid = number(flag, value);
          case "--task" -> {
            int eq = value.indexOf('=');
            if (eq <= 0) {
              throw new IllegalArgumentException("--task must be name=binary.Class#method, got '" + value + "'");
            }
            f.tasks.put(value.substring(0, eq), value.substring(eq + 1));
          }
          default -> throw new IllegalArgumentException("unknown flag " + flag);
        }
      }
      if (f.broker == null || f.queue == null || f.parentPid < 0) {
        throw new IllegalArgumentException("--broker, --queue and --parent-pid are required");
      }
      return f;
    }

    private static long number(String flag, String value) {
      try {
        return Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(flag + " must be a number, got '" + value + "'");
      }
    }
  }
}
