package dev.workq.cli.commands;

import dev.workq.cli.BrokerAddress;
import dev.workq.cli.Logging;
import dev.workq.client.WorkqClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code workq queue delete}: managing queues themselves. */
@Command(name = "queue", mixinStandardHelpOptions = true, description = "Manage queues.",
    subcommands = {QueueCommand.DeleteCommand.class})
public final class QueueCommand {

  /**
   * Deletes a queue. The broker refuses while the queue has consumers or items in flight, and,
   * without --force, while it holds items; the refusal is one line and exit status 1.
   */
  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = "Delete a queue. Refused while it has consumers or items in flight; a queue holding items needs --force, "
          + "which deletes them with it.")
  static final class DeleteCommand implements Callable<Integer> {
    @Mixin
    BrokerAddress broker;

    @Option(names = "--queue", required = true, description = "The queue to delete.")
    String queue;

    @Option(names = "--force", description = "Delete its ready, delayed and dead items with it.")
    boolean force;

    @Override
    public Integer call() {
      Logging.command();
      long removed;
      try (WorkqClient client = WorkqClient.connect(broker.options().build())) {
        removed = client.deleteQueue(queue, force);
      }
      System.out.println("deleted queue '" + queue + "'" + (removed > 0 ? " and its " + removed + " items" : ""));
      return 0;
    }
  }
}
