package dev.workq.cli.commands;

import dev.workq.cli.BrokerAddress;
import dev.workq.cli.CliFailure;
import dev.workq.cli.Logging;
import dev.workq.cli.TerminalJson;
import dev.workq.cli.Workq;
import dev.workq.client.PeekResult;
import dev.workq.client.PeekedItem;
import dev.workq.client.PurgeResult;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.Printable;
import dev.workq.protocol.QueuePeek;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code workq queue purge|peek|delete}: managing queues themselves. None of them creates a queue. */
@Command(name = "queue", mixinStandardHelpOptions = true, description = "Manage queues: purge, peek, delete.",
    subcommands = {QueueCommand.PurgeCommand.class, QueueCommand.PeekCommand.class, QueueCommand.DeleteCommand.class})
public final class QueueCommand {

  /** Removes a queue's ready and delayed items and pending STOPs; its in-flight items finish. */
  @Command(name = "purge", mixinStandardHelpOptions = true,
      description = "Remove a queue's ready and delayed items and pending STOPs (its dead letters too with --dead-letters). "
          + "Tasks in flight finish; removed tasks get no result.")
  static final class PurgeCommand implements Callable<Integer> {
    @Mixin
    BrokerAddress broker;

    @Option(names = "--queue", required = true, description = "The queue to purge.")
    String queue;

    @Option(names = "--dead-letters", description = "Delete its dead letters too.")
    boolean deadLetters;

    @Override
    public Integer call() {
      Logging.command();
      PurgeResult r;
      try (WorkqClient client = WorkqClient.connect(broker.options().build())) {
        r = client.purge(queue, deadLetters);
      }
      System.out.println(line(r, deadLetters));
      return 0;
    }

    static String line(PurgeResult r, boolean deadLetters) {
      return "purged '" + Printable.escape(r.queue()) + "': " + r.ready() + " ready, " + r.delayed() + " delayed, " + r.stops()
          + (r.stops() == 1 ? " STOP" : " STOPs") + (deadLetters ? ", " + r.deadLetters() + " dead letters" : "");
    }
  }

  /** Lists the first items a queue would hand out, without taking them. */
  @Command(name = "peek", mixinStandardHelpOptions = true,
      description = "Show the first N items a queue would hand out (priority, then arrival; then delayed ones), without taking them.")
  static final class PeekCommand implements Callable<Integer> {
    @Mixin
    BrokerAddress broker;

    @Option(names = "--queue", required = true, description = "The queue to look at.")
    String queue;

    @Option(names = {"-n", "--count"}, paramLabel = "N", defaultValue = "10",
        description = "How many items, 1 to " + QueuePeek.MAX_LIMIT + " (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--json", description = "One JSON object per item instead of a table.")
    boolean json;

    @Override
    public Integer call() {
      Logging.command();
      if (count < 1 || count > QueuePeek.MAX_LIMIT) {
        throw new CliFailure("-n must be 1.." + QueuePeek.MAX_LIMIT + ", got " + count, Workq.EXIT_USAGE);
      }
      PeekResult r;
      try (WorkqClient client = WorkqClient.connect(broker.options().build())) {
        r = client.peek(queue, count);
      }
      if (json) {
        r.items().forEach(i -> System.out.println(TerminalJson.write(json(i))));
      } else {
        System.out.print(table(r));
      }
      System.err.println(r.items().size() + " of " + r.ready() + " ready and " + r.delayed() + " delayed items on '"
          + Printable.escape(r.queue()) + "'");
      return 0;
    }

    static Map<String, Object> json(PeekedItem i) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("id", i.id());
      out.put("kind", i.kind().name().toLowerCase(java.util.Locale.ROOT));
      out.put("handler", i.handler());
      out.put("priority", i.priority());
      out.put("state", i.state().word());
      out.put("attempts", i.attempts());
      out.put("notBefore", i.notBefore() == null ? null : i.notBefore().toString());
      out.put("bytes", i.bytes());
      out.put("preview", i.preview());
      return out;
    }

    static String table(PeekResult r) {
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"ID", "KIND", "HANDLER", "PRIORITY", "STATE", "ATTEMPTS", "NOT-BEFORE", "BYTES", "PREVIEW"});
      for (PeekedItem i : r.items()) {
        rows.add(new String[] {Printable.escape(i.id()), i.kind().name().toLowerCase(java.util.Locale.ROOT),
            i.handler() == null ? "-" : Printable.escape(i.handler()), "" + i.priority(), i.state().word(), "" + i.attempts(),
            i.notBefore() == null ? "-" : i.notBefore().toString(), "" + i.bytes(), Printable.escape(i.preview(), 60)});
      }
      StringBuilder sb = new StringBuilder();
      int[] width = new int[rows.get(0).length];
      rows.forEach(row -> {
        for (int c = 0; c < row.length; c++) {
          width[c] = Math.max(width[c], row[c].length());
        }
      });
      for (String[] row : rows) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < row.length; c++) {
          line.append(row[c]).append(" ".repeat(width[c] - row[c].length())).append("  ");
        }
        sb.append(line.toString().stripTrailing()).append('\n');
      }
      return sb.toString();
    }
  }

  /**
   * Deletes a queue. Without --force the broker refuses while the queue has consumers, items in
   * flight or items at all; the refusal is one line and exit status 1.
   */
  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = "Delete a queue. Refused while it has consumers, items in flight or items, unless --force, which ends its "
          + "consumers (each worker gets a STOP) and deletes its items.")
  static final class DeleteCommand implements Callable<Integer> {
    @Mixin
    BrokerAddress broker;

    @Option(names = "--queue", required = true, description = "The queue to delete.")
    String queue;

    @Option(names = "--force", description = "End its consumers and delete its ready, delayed and dead items with it.")
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
