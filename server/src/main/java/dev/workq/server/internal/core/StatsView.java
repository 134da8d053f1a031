package dev.workq.server.internal.core;

import dev.workq.protocol.ClusterInfo;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.Message;
import dev.workq.protocol.StatsReply;
import dev.workq.protocol.StatsRequest;

/**
 * The broker's counters for whoever asks: a STATS request's page, the whole stats for the
 * broker's own callers, and the snapshot the HTTP plane encodes. The core thread only copies
 * counters here (see {@link Stats}); sorting and encoding happen on the reader's thread. Core
 * thread only.
 */
final class StatsView {

  private final CoreConfig config;
  private final Queues queues;
  private final Sessions sessions;
  private final Outcomes outcomes;
  private final Budgets budgets;
  private final InboundBudget inbound;
  private final Persistence persistence;
  private final Waits waits;
  private final Retained retained;

  StatsView(CoreConfig config, Queues queues, Sessions sessions, Outcomes outcomes, Budgets budgets, InboundBudget inbound,
      Persistence persistence, Waits waits, Retained retained) {
    this.config = config;
    this.queues = queues;
    this.sessions = sessions;
    this.outcomes = outcomes;
    this.budgets = budgets;
    this.inbound = inbound;
    this.persistence = persistence;
    this.waits = waits;
    this.retained = retained;
  }

  /** The page a STATS request asks for, or the error about its cursor. */
  Message page(StatsRequest r) {
    try {
      return clustered(Stats.page(r.corr(), r.cursor(), queues.all(), sessions.all(), outcomes.staleResults(),
          persistence.sizeBytes(), config.statsPageBytes()));
    } catch (IllegalArgumentException e) {
      return new ErrorReply(r.corr(), ErrorCode.INVALID_REQUEST, e.getMessage(), false);
    }
  }

  /** Everything on one page, sorted. */
  StatsReply all() {
    return clustered(Stats.all(queues.all(), sessions.all(), outcomes.staleResults(), persistence.sizeBytes()));
  }

  /** {@code stats} with the cluster's state when this core is a cluster leader's. */
  private StatsReply clustered(StatsReply stats) {
    ClusterInfo cluster = persistence.cluster();
    return cluster == null ? stats : new StatsReply(stats.corr(), stats.queues(), stats.workers(), stats.clients(),
        stats.staleResults(), stats.journalBytes(), stats.next(), cluster);
  }

  /** The counters, paused queues, journal counters and budgets, unsorted: linear in queues. */
  CoreSnapshot snapshot() {
    return new CoreSnapshot(clustered(Stats.unsorted(queues.all(), sessions.all(), outcomes.staleResults(), persistence.sizeBytes())),
        queues.paused(), persistence.journalStats(),
        budgets.snapshot(queues.size(), inbound, waits.snapshot(), retained.snapshot()));
  }
}
