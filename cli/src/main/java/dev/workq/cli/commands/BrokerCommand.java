package dev.workq.cli.commands;

import dev.workq.cli.Logging;
import dev.workq.server.Broker;
import dev.workq.server.BrokerOptions;
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

  @Override
  public Integer call() throws InterruptedException {
    Logging.daemon();
    BrokerOptions.Builder b;
    try {
      b = BrokerOptions.builder().host(host).port(port).maxFrame(maxFrame).maxQueueLength(maxQueueLength);
      if (ioThreads != null) {
        b.ioThreads(ioThreads);
      }
    } catch (IllegalArgumentException e) {
      throw new dev.workq.cli.CliFailure(e.getMessage(), dev.workq.cli.Workq.EXIT_USAGE);
    }
    Broker broker = Broker.start(b.build());
    Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "workq-shutdown"));
    System.out.println("workq broker listening on " + broker.address().getHostString() + ":" + broker.port());
    System.out.flush();
    broker.closeFuture().join();
    return 0;
  }
}
