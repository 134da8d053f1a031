package dev.workq.cli.commands;

import dev.workq.cli.Logging;
import dev.workq.server.Broker;
import dev.workq.server.BrokerOptions;
import dev.workq.server.FsyncPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code workq broker}: runs the broker daemon until SIGINT or SIGTERM. */
@Command(name = "broker", mixinStandardHelpOptions = true, description = "Run the broker daemon.")
public final class BrokerCommand implements Callable<Integer> {

  @Option(names = "--host", defaultValue = BrokerOptions.DEFAULT_HOST, description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "" + BrokerOptions.DEFAULT_PORT, description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--max-frame", paramLabel = "BYTES", defaultValue = "" + BrokerOptions.DEFAULT_MAX_FRAME,
      description = "Largest frame accepted (default: ${DEFAULT-VALUE}).")
  int maxFrame;

  @Option(names = "--max-queue-length", paramLabel = "N", defaultValue = "" + BrokerOptions.DEFAULT_MAX_QUEUE_LENGTH,
      description = "Ready items a queue holds before puts fail with QUEUE_FULL (default: ${DEFAULT-VALUE}).")
  int maxQueueLength;

  @Option(names = "--io-threads", paramLabel = "N", description = "I/O threads (default: one per core, at most 4).")
  Integer ioThreads;

  @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "-1",
      description = "Serve Prometheus metrics (/metrics), the JSON API (/api) and the dashboard (/) on this port; -1 turns it off (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "workq-data",
      description = "Where the journal lives (default: ./${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--in-memory", description = "Keep no journal: everything is lost when the broker stops.")
  boolean inMemory;

  @Option(names = "--fsync", paramLabel = "POLICY", defaultValue = "always",
      description = "always: a put is confirmed once it is on disk (group commit); batch: fsync at most every --fsync-interval-ms, "
          + "a power loss can lose puts confirmed in that window; never: no fsync, a power loss can lose anything the OS had not written "
          + "(default: ${DEFAULT-VALUE}).")
  String fsync;

  @Option(names = "--fsync-interval-ms", paramLabel = "MS", defaultValue = "" + BrokerOptions.DEFAULT_FSYNC_INTERVAL_MS,
      description = "Longest time between fsyncs with --fsync batch (default: ${DEFAULT-VALUE}).")
  long fsyncIntervalMs;

  @Option(names = "--max-attempts", paramLabel = "N", defaultValue = "" + BrokerOptions.DEFAULT_MAX_ATTEMPTS,
      description = "Deliveries a task gets before the dead letters, unless it asks otherwise (default: ${DEFAULT-VALUE}).")
  int maxAttempts;

  @Option(names = "--lease-ms", paramLabel = "MS", defaultValue = "30000",
      description = "Lease of a delivery without renewal, unless the task asks otherwise (default: ${DEFAULT-VALUE}).")
  long leaseMs;

  @Option(names = "--retry-backoff-ms", paramLabel = "MS", defaultValue = "1000",
      description = "Delay before the first retry of a failed task, doubling per attempt with jitter (default: ${DEFAULT-VALUE}).")
  long retryBackoffMs;

  @Option(names = "--retry-backoff-max-ms", paramLabel = "MS", defaultValue = "300000",
      description = "Longest retry delay (default: ${DEFAULT-VALUE}).")
  long retryBackoffMaxMs;

  private static FsyncPolicy fsyncPolicy(String name) {
    try {
      return FsyncPolicy.valueOf(name.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--fsync must be always, batch or never, got '" + name + "'");
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    Logging.daemon();
    BrokerOptions.Builder b;
    try {
      b = BrokerOptions.builder().host(host).port(port).maxFrame(maxFrame).maxQueueLength(maxQueueLength)
          .dataDir(inMemory ? null : dataDir).fsync(fsyncPolicy(fsync)).fsyncIntervalMs(fsyncIntervalMs)
          .maxAttempts(maxAttempts).lease(Duration.ofMillis(leaseMs))
          .retryBackoff(Duration.ofMillis(retryBackoffMs), Duration.ofMillis(retryBackoffMaxMs))
          .httpPort(httpPort);
      if (ioThreads != null) {
        b.ioThreads(ioThreads);
      }
    } catch (IllegalArgumentException e) {
      throw new dev.workq.cli.CliFailure(e.getMessage(), dev.workq.cli.Workq.EXIT_USAGE);
    }
    Broker broker = Broker.start(b.build());
    Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "workq-shutdown"));
    System.out.println("workq broker listening on " + broker.address().getHostString() + ":" + broker.port()
        + (inMemory ? " (in memory, no journal)" : " (journal in " + dataDir.toAbsolutePath().normalize() + ", fsync " + fsync + ")"));
    if (broker.httpPort() >= 0) {
      System.out.println("dashboard and metrics on http://" + broker.address().getHostString() + ":" + broker.httpPort() + "/");
    }
    System.out.flush();
    broker.closeFuture().join();
    return 0;
  }
}
