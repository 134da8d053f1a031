package dev.workq.server.internal.core;

import dev.workq.protocol.QueueStats;
import dev.workq.protocol.StatsReply;
import dev.workq.server.internal.journal.JournalStats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * A consistent view of the broker for metrics and the dashboard, taken on the core thread. The
 * core copies its counters in whatever order it holds the queues (linear in queues); readers call
 * {@link #sorted()} on their own thread.
 *
 * @param stats the counters; {@link StatsReply#queues()} in no particular order unless {@link #sorted()}
 * @param paused names of the queues whose deliveries are paused
 * @param journal the journal's counters, or null for an in-memory broker
 * @param budgets where the broker stands against its budgets
 */
public record CoreSnapshot(StatsReply stats, Set<String> paused, JournalStats journal, CoreBudgets budgets) {

  /** This snapshot with its queues sorted by name. Off the core thread: sorting is not linear. */
  public CoreSnapshot sorted() {
    List<QueueStats> queues = new ArrayList<>(stats.queues());
    queues.sort(Comparator.comparing(QueueStats::name));
    return new CoreSnapshot(new StatsReply(stats.corr(), queues, stats.workers(), stats.clients(), stats.staleResults(),
        stats.journalBytes(), stats.next(), stats.cluster()), paused, journal, budgets);
  }
}
