package dev.workq.cli.commands;

import dev.workq.cli.TerminalJson;
import dev.workq.cli.BrokerAddress;
import dev.workq.cli.Logging;
import dev.workq.client.WorkqClient;
import dev.workq.client.DeadLetter;
import dev.workq.client.DeadLetterPage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code workq dead-letters list|requeue|purge}: the tasks that used up their attempts. */
@Command(name = "dead-letters", mixinStandardHelpOptions = true,
    description = "List, requeue or purge a queue's dead letters (tasks that used up their attempts).",
    subcommands = {DeadLettersCommand.ListCommand.class, DeadLettersCommand.RequeueCommand.class,
        DeadLettersCommand.PurgeCommand.class})
public final class DeadLettersCommand {

  /** Options every dead-letters subcommand takes. */
  static final class Target {
    @Mixin
    BrokerAddress broker;

    @Option(names = "--queue", defaultValue = "tasks", description = "The queue whose dead letters to act on (default: ${DEFAULT-VALUE}).")
    String queue;
  }

  /** Prints one JSON object per dead letter: id, handler, attempts, crashes, errors, payload. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "Print dead letters, one JSON object per line.")
  static final class ListCommand implements Callable<Integer> {
    @Mixin
    Target target;

    @Option(names = "--limit", defaultValue = "100", description = "Most items printed (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() throws Exception {
      Logging.command();
      if (limit < 1) {
        throw new dev.workq.cli.CliFailure("--limit must be at least 1, got " + limit, dev.workq.cli.Workq.EXIT_USAGE);
      }
      DeadLetterPage reply;
      try (WorkqClient client = WorkqClient.connect(target.broker.options().build())) {
        reply = client.deadLetters(target.queue, limit);
      }
      for (DeadLetter d : reply.items()) {
        // Error messages come from workers: TerminalJson escapes what Jackson leaves raw (C1, DEL, U+2028).
        System.out.println(TerminalJson.write(d));
      }
      System.err.println(reply.items().size() + " of " + reply.total() + " dead letters on '" + target.queue + "'");
      return 0;
    }
  }

  /** Puts dead letters back on the queue with fresh attempts. */
  @Command(name = "requeue", mixinStandardHelpOptions = true, description = "Put dead letters back on the queue (all, or --id ones).")
  static final class RequeueCommand implements Callable<Integer> {
    @Mixin
    Target target;

    @Option(names = "--id", paramLabel = "ID", description = "Only this task (repeatable).")
    List<String> ids = new ArrayList<>();

    @Override
    public Integer call() {
      return act(target, "requeued", c -> c.requeueDeadLetters(target.queue, ids));
    }
  }

  /** Deletes dead letters. */
  @Command(name = "purge", mixinStandardHelpOptions = true, description = "Delete dead letters (all, or --id ones).")
  static final class PurgeCommand implements Callable<Integer> {
    @Mixin
    Target target;

    @Option(names = "--id", paramLabel = "ID", description = "Only this task (repeatable).")
    List<String> ids = new ArrayList<>();

    @Override
    public Integer call() {
      return act(target, "purged", c -> c.purgeDeadLetters(target.queue, ids));
    }
  }

  /** Connects, carries out {@code action} and says how many dead letters it touched. */
  private static int act(Target target, String verb, java.util.function.ToIntFunction<WorkqClient> action) {
    Logging.command();
    int n;
    try (WorkqClient client = WorkqClient.connect(target.broker.options().build())) {
      n = action.applyAsInt(client);
    }
    System.out.println(verb + " " + n + " dead letters on '" + target.queue + "'");
    return 0;
  }
}
