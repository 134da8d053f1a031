package dev.workq.bench.workload;

import dev.workq.bench.system.Procs;
import dev.workq.bench.system.RunContext;
import dev.workq.client.ClientOptions;
import dev.workq.client.TaskOptions;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.Payload;
import dev.workq.client.QueueStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MEM: the broker-memory and restart targets. Queues {@code n} 100-byte tasks on a journaled
 * {@code workq broker} with no workers, reads its heap after a full GC ({@code jcmd GC.run},
 * {@code GC.heap_info}), stops it with SIGTERM, starts it again on the same data directory and
 * times how long until it listens (journal replay), then checks every task is back.
 *
 * @param tasks          tasks queued
 * @param putRate        puts/s while queueing
 * @param heapUsedMb     heap in use after a full GC, MiB
 * @param restartSeconds from starting the second broker process to its "listening" line
 * @param readyAfter     ready tasks the restarted broker reports
 * @param note           problems, or empty
 */
public record MemoryCheck(long tasks, double putRate, double heapUsedMb, double restartSeconds, long readyAfter, String note) {

  private static final String QUEUE = "mem";

  public static MemoryCheck run(RunContext ctx, String fsync, int n, Duration timeout) throws Exception {
    Files.createDirectories(ctx.workDir());
    Path data = ctx.workDir().resolve("data");
    List<Process> procs = new ArrayList<>();
    try {
      int port = Procs.freePort();
      Process broker = startBroker(ctx, data, fsync, port, ctx.workDir().resolve("broker-1.log"));
      procs.add(broker);
      byte[] payload = Workloads.payload(100);
      Semaphore window = new Semaphore(1000);
      AtomicLong errors = new AtomicLong();
      long start = System.nanoTime();
      long deadline = start + timeout.toNanos();
      try (WorkqClient c = WorkqClient.connect(ClientOptions.builder().address("127.0.0.1:" + port)
          .requestTimeout(Duration.ofSeconds(60)).build())) {
        for (int i = 0; i < n; i++) {
          if (!window.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            return new MemoryCheck(i, 0, 0, 0, 0, "timed out queueing after " + i + " tasks");
          }
          c.async().enqueue(QUEUE, "noop", Payload.wrap(payload), TaskOptions.builder().id("m" + i).build())
              .whenComplete((id, e) -> {
                if (e != null) {
                  errors.incrementAndGet();
                }
                window.release();
              });
        }
        window.acquire(1000);
      }
      double putRate = n / ((System.nanoTime() - start) / 1e9);
      String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
      run(List.of(jcmd, "" + broker.pid(), "GC.run"));
      String heap = run(List.of(jcmd, "" + broker.pid(), "GC.heap_info"));
      Matcher m = Pattern.compile("used (\\d+)K").matcher(heap);
      double heapMb = m.find() ? Long.parseLong(m.group(1)) / 1024.0 : -1;
      Procs.stop(broker, Duration.ofSeconds(30));
      long restartStart = System.nanoTime();
      Path log2 = ctx.workDir().resolve("broker-2.log");
      Process again = startBroker(ctx, data, fsync, port, log2);
      procs.add(again);
      Procs.waitForLog(log2, "listening on", timeout, again);
      double restart = (System.nanoTime() - restartStart) / 1e9;
      long ready;
      try (WorkqClient c = WorkqClient.connect("127.0.0.1:" + port)) {
        ready = c.stats().queues().stream().filter(q -> q.name().equals(QUEUE)).mapToLong(QueueStats::ready).sum();
      }
      String note = (errors.get() > 0 ? errors.get() + " puts failed; " : "") + (ready != n ? "only " + ready + " of " + n + " back after restart; " : "")
          + (heapMb < 0 ? "could not read the heap from jcmd; " : "");
      return new MemoryCheck(n, putRate, heapMb, restart, ready, note);
    } finally {
      Procs.stopAll(procs, Duration.ofSeconds(30));
    }
  }

  private static Process startBroker(RunContext ctx, Path data, String fsync, int port, Path log) throws Exception {
    Process p = Procs.start(List.of(ctx.javaCommand(), "-jar", ctx.workqJar().toString(), "broker", "--host", "127.0.0.1",
        "--port", "" + port, "--data-dir", data.toString(), "--fsync", fsync), log, Map.of());
    Procs.waitForLog(log, "listening on", Duration.ofSeconds(120), p);
    return p;
  }

  private static String run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(60, TimeUnit.SECONDS);
    return out;
  }
}
