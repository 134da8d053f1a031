package dev.workq.protocol;

import java.util.List;

/**
 * One page of every queue's counters and the connected workers, with the number of connected
 * clients (the asking one included) and broker-wide counters: results rejected for a stale lease
 * token, and the journal's size on disk. Queues come sorted by name, then workers; a page holds
 * what fits the broker's page budget, so STATS works at any number of queues.
 *
 * @param next the cursor for the next page, or null when this page is the last
 * @param cluster the answering node's view of its cluster, or null for a broker that is not a cluster node
 */
public record StatsReply(long corr, List<QueueStats> queues, List<WorkerInfo> workers, int clients,
    long staleResults, long journalBytes, String next, ClusterInfo cluster) implements Message, Reply {

  public StatsReply {
    queues = queues == null ? List.of() : List.copyOf(queues);
    workers = workers == null ? List.of() : List.copyOf(workers);
  }

  /** A page of a broker that is not a cluster node. */
  public StatsReply(long corr, List<QueueStats> queues, List<WorkerInfo> workers, int clients, long staleResults,
      long journalBytes, String next) {
    this(corr, queues, workers, clients, staleResults, journalBytes, next, null);
  }

  /** A complete, single-page answer. */
  public StatsReply(long corr, List<QueueStats> queues, List<WorkerInfo> workers, int clients, long staleResults,
      long journalBytes) {
    this(corr, queues, workers, clients, staleResults, journalBytes, null);
  }
}
