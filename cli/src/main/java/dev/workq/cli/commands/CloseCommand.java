package dev.workq.cli.commands;

import dev.workq.cli.BrokerAddress;
import dev.workq.cli.Logging;
import dev.workq.client.CloseResult;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.Printable;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code workq close --queue Q}: the queue takes no new tasks, and once its last task has
 * finished each worker consuming it gets one STOP: stopping the workers when the work is done,
 * without counting them.
 */
@Command(name = "close", mixinStandardHelpOptions = true,
    description = "Close a queue: it refuses new tasks, and once none is left each of its workers gets a STOP. "
        + "Stays closed until the queue is deleted.")
public final class CloseCommand implements Callable<Integer> {

  @Mixin
  BrokerAddress broker;

  @Option(names = "--queue", required = true, description = "The queue to close.")
  String queue;

  @Override
  public Integer call() {
    Logging.command();
    CloseResult r;
    try (WorkqClient client = WorkqClient.connect(broker.options().build())) {
      r = client.closeQueue(queue);
    }
    System.out.println(line(r));
    return 0;
  }

  static String line(CloseResult r) {
    String q = "'" + Printable.escape(r.queue()) + "'";
    String workers = r.workers() == 1 ? "its 1 worker gets" : "each of its " + r.workers() + " workers gets";
    if (r.unfinished() == 0) {
      return "closed " + q + ": it takes no new tasks; none is left, so " + (r.workers() == 0 ? "no worker consumes it to stop"
          : workers + " a STOP now");
    }
    return "closed " + q + ": it takes no new tasks; once its " + r.unfinished() + " unfinished task" + (r.unfinished() == 1 ? "" : "s")
        + " finish, " + (r.workers() == 0 ? "any worker consuming it" : workers) + " a STOP";
  }
}
