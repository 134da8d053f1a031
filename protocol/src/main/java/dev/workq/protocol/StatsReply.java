package dev.workq.protocol;

import java.util.List;

/** Every queue's counters, the connected workers and the number of other clients. */
public record StatsReply(long corr, List<QueueStats> queues, List<WorkerInfo> workers, int clients)
    implements Message {

  public StatsReply {
    queues = queues == null ? List.of() : List.copyOf(queues);
    workers = workers == null ? List.of() : List.copyOf(workers);
  }
}
