package dev.workq.cli.commands;

import dev.workq.cli.BrokerAddress;
import dev.workq.cli.Logging;
import dev.workq.client.WorkqClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code workq stop}: puts one STOP sentinel per worker on a queue. */
@Command(name = "stop", mixinStandardHelpOptions = true,
    description = "Put N STOP sentinels on a queue: each stops one worker after the tasks queued before it.")
public final class StopCommand implements Callable<Integer> {

  @Mixin
  BrokerAddress broker;

  @Option(names = "--queue", defaultValue = "tasks", description = "Queue the workers take tasks from (default: ${DEFAULT-VALUE}).")
  String queue;

  @Option(names = "--workers", paramLabel = "N", required = true, description = "How many workers to stop.")
  int workers;

  @Override
  public Integer call() {
    Logging.command();
    if (workers < 1) {
      throw new dev.workq.cli.CliFailure("--workers must be at least 1, got " + workers, dev.workq.cli.Workq.EXIT_USAGE);
    }
    try (WorkqClient client = WorkqClient.connect(broker.options().build())) {
      client.stopWorkers(queue, workers);
    }
    System.out.println("put " + workers + " STOP sentinel" + (workers == 1 ? "" : "s") + " on '" + queue + "'");
    return 0;
  }
}
