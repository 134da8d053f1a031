package dev.workq.protocol;

import java.util.List;

/**
 * Every queue's counters, the connected workers, the number of connected clients (the asking one
 * included), and broker-wide
 * counters: results rejected for a stale lease token, and the journal's size on disk.
 */
public record StatsReply(long corr, List<QueueStats> queues, List<WorkerInfo> workers, int clients,
    long staleResults, long journalBytes) implements Message, Reply {

  public StatsReply {
    queues = queues == null ? List.of() : List.copyOf(queues);
    workers = workers == null ? List.of() : List.copyOf(workers);
  }
}
