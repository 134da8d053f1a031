package dev.workq.server.internal.core;

import dev.workq.protocol.QueueStats;
import dev.workq.protocol.StatsReply;
import dev.workq.protocol.WorkerInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Builds a {@link StatsReply} from the core's state. Core thread only. */
final class Stats {

  private Stats() {}

  /** The stats with the queues sorted by name, as the protocol's STATS answer has them. */
  static StatsReply of(long corr, Collection<QueueState> queues, Collection<Session> sessions, long staleResults, long journalBytes) {
    List<QueueState> sorted = new ArrayList<>(queues);
    sorted.sort(Comparator.comparing(q -> q.name));
    return unsorted(corr, sorted, sessions, staleResults, journalBytes);
  }

  /**
   * The stats with the queues in {@code queues}' order: linear in queues, for snapshots whose
   * readers sort them off the core thread.
   */
  static StatsReply unsorted(long corr, Collection<QueueState> queues, Collection<Session> sessions, long staleResults,
      long journalBytes) {
    List<QueueStats> qs = new ArrayList<>(queues.size());
    for (QueueState q : queues) {
      qs.add(new QueueStats(q.name,
          q.ready.size(), q.inFlight, q.consumers.size(), q.delivered, q.completed, q.delayed, q.dead.size(), q.failed,
          q.redelivered, q.leaseExpired,
          q.ready.waitingForHandler(q.consumers.stream().map(c -> c.handlers).toList())));
    }
    List<WorkerInfo> workers = new ArrayList<>();
    int clients = 0;
    for (Session s : sessions) {
      if (s.isWorker()) {
        workers.add(new WorkerInfo(s.hello().name(), s.hello().host(), s.hello().pid(), s.hello().handlers(), s.held.size()));
      } else {
        clients++;
      }
    }
    return new StatsReply(corr, qs, workers, clients, staleResults, journalBytes);
  }
}
