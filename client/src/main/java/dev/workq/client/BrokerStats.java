package dev.workq.client;

import java.util.List;
import java.util.Optional;

/**
 * Every queue's counters and the connected workers, read from the broker in one or more pages.
 *
 * @param queues every queue, sorted by name
 * @param workers the connected workers
 * @param clients connected clients, the asking one included
 * @param staleResults results the broker rejected because their lease had expired
 * @param journalBytes the journal's size on disk, in bytes (0 without a journal)
 * @param cluster the cluster, when the broker is a cluster's leader; null for a single broker
 */
public record BrokerStats(List<QueueStats> queues, List<WorkerStats> workers, int clients, long staleResults,
    long journalBytes, ClusterStats cluster) {

  /** The stats of a single broker. */
  public BrokerStats(List<QueueStats> queues, List<WorkerStats> workers, int clients, long staleResults, long journalBytes) {
    this(queues, workers, clients, staleResults, journalBytes, null);
  }

  public BrokerStats {
    queues = queues == null ? List.of() : List.copyOf(queues);
    workers = workers == null ? List.of() : List.copyOf(workers);
  }

  /** The counters of the queue called {@code name}, if it exists. */
  public Optional<QueueStats> queue(String name) {
    return queues.stream().filter(q -> q.name().equals(name)).findFirst();
  }
}
