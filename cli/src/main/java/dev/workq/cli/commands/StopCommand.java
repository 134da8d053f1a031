package dev.workq.cli.commands;

import dev.workq.cli.BrokerAddress;
import dev.workq.cli.Logging;
import dev.workq.client.QueueStats;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.Printable;
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
    QueueStats before;
    try (WorkqClient client = WorkqClient.connect(broker.options().build())) {
      before = client.stats().queue(queue).orElse(null);
      client.stopWorkers(queue, workers);
    }
    System.out.println("put " + workers + " STOP sentinel" + (workers == 1 ? "" : "s") + " on '" + queue + "'");
    String pending = pendingNote(queue, workers, before);
    if (pending != null) {
      System.err.println("workq: " + pending);
    }
    return 0;
  }

  /**
   * What stays pending when fewer workers consume {@code queue} than it will hold STOPs: they
   * stop the next workers that subscribe, so say so and how to remove them. Null when every STOP
   * has a worker to take it.
   */
  static String pendingNote(String queue, int put, QueueStats before) {
    long consumers = before == null ? 0 : before.consumers();
    long earlier = before == null ? 0 : before.stops();
    long pending = earlier + put - consumers;
    if (pending <= 0) {
      return null;
    }
    String q = "'" + Printable.escape(queue) + "'";
    return pending + (pending == 1 ? " STOP stays" : " STOPs stay") + " pending: " + (consumers == 0 ? "no worker consumes " + q
        : "only " + consumers + (consumers == 1 ? " worker consumes " : " workers consume ") + q)
        + (earlier > 0 ? ", which already held " + earlier + (earlier == 1 ? " STOP" : " STOPs") : "")
        + "; each stops the next worker that subscribes (workq queue purge --queue " + Printable.escape(queue) + " removes them)";
  }
}
