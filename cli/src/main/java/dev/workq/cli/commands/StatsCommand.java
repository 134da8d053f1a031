package dev.workq.cli.commands;

import dev.workq.protocol.Printable;
import dev.workq.cli.TerminalJson;
import dev.workq.cli.BrokerAddress;
import dev.workq.cli.Logging;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.QueueNames;
import dev.workq.client.QueueStats;
import dev.workq.client.BrokerStats;
import dev.workq.client.ClusterStats;
import dev.workq.client.WorkerStats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code workq stats}: every queue's depth, in-flight and done-queue depth, whether it is paused
 * and the STOPs waiting in it, and the workers.
 */
@Command(name = "stats", mixinStandardHelpOptions = true, description = "Show queues and connected workers.")
public final class StatsCommand implements Callable<Integer> {

  @Mixin
  BrokerAddress broker;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Logging.command();
    BrokerStats stats;
    try (WorkqClient client = WorkqClient.connect(broker.options().build())) {
      stats = client.stats();
    }
    if (json) {
      Map<String, Object> out = new java.util.LinkedHashMap<>();
      out.put("queues", stats.queues());
      out.put("workers", stats.workers());
      out.put("clients", stats.clients());
      System.out.println(TerminalJson.write(out));
      return 0;
    }
    System.out.print(table(stats));
    return 0;
  }

  /** The cluster's members as aligned text, after a line on the leader, its term and commit index. */
  static String cluster(ClusterStats c) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"NODE", "ROLE", "REPLICATION", "COMMIT-INDEX", "LAG"});
    for (ClusterStats.Member m : c.members()) {
      rows.add(new String[] {Printable.escape(m.id()), m.id().equals(c.leader()) ? "leader" : "follower", Printable.escape(m.address()),
          m.commitIndex() < 0 ? "?" : "" + m.commitIndex(), m.lag() < 0 ? "no answer" : "" + m.lag()});
    }
    return "cluster: " + Printable.escape(c.node()) + " leads in term " + c.term() + ", commit index " + c.commitIndex()
        + ", applied " + c.appliedIndex() + "\n" + format(rows, new boolean[] {false, false, false, true, true});
  }

  /** The stats as aligned text: one row per queue, then one per worker. */
  static String table(BrokerStats stats) {
    Map<String, QueueStats> byName = new HashMap<>();
    stats.queues().forEach(q -> byName.put(q.name(), q));
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"QUEUE", "READY", "IN-FLIGHT", "CONSUMERS", "DONE-QUEUE", "DELIVERED", "COMPLETED", "FAILED",
        "DELAYED", "DEAD", "NO-HANDLER", "STOPS"});
    for (QueueStats q : stats.queues()) {
      QueueStats done = byName.get(q.name() + QueueNames.DONE_SUFFIX);
      rows.add(new String[] {Printable.escape(q.name() + (q.paused() ? " (PAUSED)" : "") + (q.closed() ? " (CLOSED)" : "")), "" + q.ready(), "" + q.inFlight(), "" + q.consumers(),
          done == null ? "-" : "" + done.ready(), "" + q.delivered(), "" + q.completed(), "" + q.failed(), "" + q.delayed(),
          "" + q.dead(), "" + q.waitingForHandler(), "" + q.stops()});
    }
    StringBuilder sb = new StringBuilder(format(rows, new boolean[] {false, true, true, true, true, true, true, true, true, true, true, true}));
    sb.append('\n');
    List<String[]> workers = new ArrayList<>();
    workers.add(new String[] {"WORKER", "HOST", "PID", "IN-FLIGHT", "HANDLERS"});
    for (WorkerStats w : stats.workers()) {
      // Names, hosts and handlers come from the workers' HELLOs: escaped so none can rewrite the terminal.
      workers.add(new String[] {Printable.escape(w.name()), Printable.escape(w.host()), "" + w.pid(), "" + w.inFlight(),
          Printable.escape(String.join(",", w.handlers()), 4096)});
    }
    sb.append(format(workers, new boolean[] {false, false, true, true, false}));
    sb.append('\n').append(stats.workers().size()).append(" workers, ").append(stats.clients()).append(" clients connected");
    if (stats.cluster() != null) {
      sb.append('\n').append(cluster(stats.cluster()));
    }
    long noHandler = stats.queues().stream().mapToLong(QueueStats::waitingForHandler).sum();
    if (noHandler > 0) {
      sb.append("; ").append(noHandler).append(" tasks wait for a handler no connected worker offers (NO-HANDLER)");
    }
    long paused = stats.queues().stream().filter(QueueStats::paused).count();
    if (paused > 0) {
      sb.append("; ").append(paused).append(paused == 1 ? " queue is" : " queues are").append(" paused (PAUSED): nothing is delivered from it until resumed");
    }
    long closed = stats.queues().stream().filter(QueueStats::closed).count();
    if (closed > 0) {
      sb.append("; ").append(closed).append(closed == 1 ? " queue is" : " queues are")
          .append(" closed (CLOSED): no new tasks; its workers get a STOP once it has drained");
    }
    sb.append('\n');
    return sb.toString();
  }

  private static String format(List<String[]> rows, boolean[] right) {
    int[] width = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        String cell = right[i] ? " ".repeat(width[i] - r[i].length()) + r[i] : r[i] + " ".repeat(width[i] - r[i].length());
        line.append(cell).append(i < r.length - 1 ? "  " : "");
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    return sb.toString();
  }
}
