package dev.workq.cli.commands;

import dev.workq.protocol.Printable;
import dev.workq.cli.CliFailure;
import dev.workq.cli.Logging;
import dev.workq.client.ClientOptions;
import dev.workq.client.TaskResult;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.auth.Authkey;
import dev.workq.server.Broker;
import dev.workq.server.BrokerOptions;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code workq demo}: the whole pattern on one machine. Starts a broker, starts worker processes,
 * computes a batch of {@code pi} tasks across them, prints each result with the pid of the worker
 * that ran it, stops the workers with STOP sentinels and shuts the broker down.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start a broker and worker processes here, compute pi tasks across them, stop everything.")
public final class DemoCommand implements Callable<Integer> {

  private static final String QUEUE = "demo";

  @Option(names = "--workers", paramLabel = "N", defaultValue = "3", description = "Worker processes (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--tasks", paramLabel = "N", defaultValue = "12", description = "pi tasks (default: ${DEFAULT-VALUE}).")
  int tasks;

  @Option(names = "--digits", paramLabel = "N", defaultValue = "2000", description = "Digits of pi per task; each task asks for a few more (default: ${DEFAULT-VALUE}).")
  int digits;

  @Override
  public Integer call() throws Exception {
    Logging.command();
    if (workers < 1 || workers > 64 || tasks < 1 || digits < 1 || digits > 50_000) {
      throw new CliFailure("--workers must be 1..64, --tasks at least 1, --digits 1..50000", dev.workq.cli.Workq.EXIT_USAGE);
    }
    List<Process> processes = new ArrayList<>();
    // A fresh random key for this run: the workers get it through their environment, never argv
    // (which other users can read in ps).
    byte[] key = Authkey.generate();
    try (Broker broker = Broker.start(BrokerOptions.builder().host("127.0.0.1").port(0).authkey(key).build())) {
      String address = "127.0.0.1:" + broker.port();
      System.out.println("broker listening on " + address + " (pid " + ProcessHandle.current().pid() + ")");
      for (int i = 0; i < workers; i++) {
        processes.add(startWorker(address, key));
      }
      try (WorkqClient client = WorkqClient.connect(ClientOptions.builder().address(address).name("demo").authkey(key).build())) {
        awaitWorkers(client, processes);
        System.out.println(workers + " worker processes connected: pids " + processes.stream().map(p -> "" + p.pid()).toList());
        List<Map<String, Integer>> payloads = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
          payloads.add(Map.of("digits", digits + i));
        }
        long start = System.nanoTime();
        Map<String, Integer> perWorker = new TreeMap<>();
        int failed = 0;
        Iterator<TaskResult> results = client.tasks().imapUnordered(QUEUE, "pi", payloads);
        while (results.hasNext()) {
          TaskResult r = results.next();
          perWorker.merge(r.worker(), 1, Integer::sum);
          if (r.ok()) {
            String pi = r.value().get("pi").asText();
            System.out.printf("pi to %5d digits = %s…%s  worker pid %s  %d ms%n", r.value().get("digits").asInt(),
                pi.substring(0, 12), pi.substring(pi.length() - 6), pidOf(r.worker()), r.elapsedMs());
          } else {
            failed++;
            System.out.println("task " + Printable.escape(r.id()) + " failed on worker " + Printable.escape(r.worker()) + ": "
                + Printable.escape(r.error()));
          }
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println(tasks + " tasks in " + ms + " ms; tasks per worker pid: " + byPid(perWorker));
        client.stopWorkers(QUEUE, workers);
        System.out.println("put " + workers + " STOP sentinels on '" + QUEUE + "'");
        int badExits = awaitExits(processes);
        System.out.println("broker shutting down");
        if (failed > 0 || badExits > 0) {
          throw new CliFailure(failed + " tasks failed, " + badExits + " workers did not exit cleanly");
        }
      }
    } finally {
      for (Process p : processes) {
        if (p.isAlive()) {
          p.destroyForcibly();
        }
      }
    }
    return 0;
  }

  private static Process startWorker(String address, byte[] key) throws java.io.IOException {
    String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    List<String> cmd = List.of(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", System.getProperty("java.class.path"), "dev.workq.cli.Workq", "worker",
        "--broker", address, "--queue", QUEUE, "--concurrency", "1", "--prefetch", "1");
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put(Authkey.ENV, new String(key, StandardCharsets.US_ASCII));
    return pb.redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  private static void awaitWorkers(WorkqClient client, List<Process> processes) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (client.stats().workers().size() < processes.size()) {
      for (Process p : processes) {
        if (!p.isAlive()) {
          throw new CliFailure("worker pid " + p.pid() + " exited with status " + p.exitValue() + " before connecting");
        }
      }
      if (System.nanoTime() > deadline) {
        throw new CliFailure("workers did not connect within 60 s");
      }
      Thread.sleep(50);
    }
  }

  private static int awaitExits(List<Process> processes) throws InterruptedException {
    int bad = 0;
    for (Process p : processes) {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        System.out.println("worker pid " + p.pid() + " did not exit within 60 s; killing it");
        p.destroyForcibly();
        bad++;
        continue;
      }
      System.out.println("worker pid " + p.pid() + " exited with status " + p.exitValue());
      if (p.exitValue() != 0) {
        bad++;
      }
    }
    return bad;
  }

  private static String pidOf(String worker) {
    int colon = worker == null ? -1 : worker.lastIndexOf(':');
    return colon < 0 ? String.valueOf(worker) : worker.substring(colon + 1);
  }

  private static Map<String, Integer> byPid(Map<String, Integer> perWorker) {
    Map<String, Integer> out = new TreeMap<>();
    perWorker.forEach((w, n) -> out.put(pidOf(w), n));
    return out;
  }
}
