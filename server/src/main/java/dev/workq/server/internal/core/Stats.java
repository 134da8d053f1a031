package dev.workq.server.internal.core;

import dev.workq.protocol.QueueStats;
import dev.workq.protocol.StatsReply;
import dev.workq.protocol.WorkerInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Builds {@link StatsReply} pages from the core's state: queues by name, then workers by session,
 * as many as fit the page's byte budget (always at least one), with the cursor of the next page.
 * A cursor is {@code q<name>} (queues after that name) or {@code w<session>} (workers after that
 * session; {@code w} alone starts the workers). Core thread only.
 */
final class Stats {

  /** Estimated JSON bytes of a queue's entry besides its name. */
  private static final int QUEUE_ENTRY_BYTES = 420;
  /** Estimated JSON bytes of a worker's entry besides its strings. */
  private static final int WORKER_ENTRY_BYTES = 128;

  private Stats() {}

  /** Everything on one page, sorted, for the broker's own callers. */
  static StatsReply all(Collection<QueueState> queues, Collection<Session> sessions, long staleResults, long journalBytes) {
    return page(0, null, queues, sessions, staleResults, journalBytes, Long.MAX_VALUE);
  }

  /**
   * Everything, with the queues in {@code queues}' order: linear in queues, for snapshots whose
   * readers sort them off the core thread.
   */
  static StatsReply unsorted(Collection<QueueState> queues, Collection<Session> sessions, long staleResults, long journalBytes) {
    List<QueueStats> qs = new ArrayList<>(queues.size());
    for (QueueState q : queues) {
      qs.add(queueStats(q));
    }
    List<WorkerInfo> workers = new ArrayList<>();
    int clients = 0;
    for (Session s : sessions) {
      if (s.isWorker()) {
        workers.add(workerInfo(s));
      } else {
        clients++;
      }
    }
    return new StatsReply(0, qs, workers, clients, staleResults, journalBytes);
  }

  private static WorkerInfo workerInfo(Session s) {
    return new WorkerInfo(s.hello().name(), s.hello().host(), s.hello().pid(), List.copyOf(s.offered), s.held.size(), s.id());
  }

  /**
   * The page after {@code cursor} (null: the first).
   *
   * @throws IllegalArgumentException if the cursor is not one this class made
   */
  static StatsReply page(long corr, String cursor, Collection<QueueState> queues, Collection<Session> sessions,
      long staleResults, long journalBytes, long pageBytes) {
    if (cursor != null && !cursor.startsWith("q") && !cursor.startsWith("w")) {
      throw new IllegalArgumentException("cursor '" + cursor + "' is not one a STATS_OK gave");
    }
    long budget = pageBytes;
    List<QueueStats> qs = new ArrayList<>();
    String next = null;
    if (cursor == null || cursor.startsWith("q")) {
      String after = cursor == null ? null : cursor.substring(1);
      List<QueueState> sorted = new ArrayList<>();
      for (QueueState q : queues) {
        if (after == null || q.name.compareTo(after) > 0) {
          sorted.add(q);
        }
      }
      sorted.sort(Comparator.comparing(q -> q.name));
      for (QueueState q : sorted) {
        long size = QUEUE_ENTRY_BYTES + q.name.length();
        if (!qs.isEmpty() && size > budget) {
          next = "q" + qs.get(qs.size() - 1).name();
          break;
        }
        budget -= size;
        qs.add(queueStats(q));
      }
    }
    List<WorkerInfo> workers = new ArrayList<>();
    int clients = 0;
    for (Session s : sessions) {
      if (!s.isWorker()) {
        clients++;
      }
    }
    if (next == null) {
      long after = cursor != null && cursor.startsWith("w") && cursor.length() > 1 ? parseSession(cursor.substring(1)) : Long.MIN_VALUE;
      List<Session> sorted = new ArrayList<>();
      for (Session s : sessions) {
        if (s.isWorker() && sessionNumber(s) > after) {
          sorted.add(s);
        }
      }
      sorted.sort(Comparator.comparingLong(Stats::sessionNumber));
      for (Session s : sorted) {
        long size = WORKER_ENTRY_BYTES + s.hello().name().length() + s.hello().host().length()
            + s.offered.stream().mapToLong(h -> h.length() + 3).sum();
        if ((!qs.isEmpty() || !workers.isEmpty()) && size > budget) {
          next = "w" + (workers.isEmpty() ? (after == Long.MIN_VALUE ? "" : Long.toString(after)) : workers.get(workers.size() - 1).session());
          break;
        }
        budget -= size;
        workers.add(workerInfo(s));
      }
    }
    return new StatsReply(corr, qs, workers, clients, staleResults, journalBytes, next);
  }

  private static QueueStats queueStats(QueueState q) {
    // Consumers of one connection share their handler set: count each distinct set once.
    Set<Set<String>> offered = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Consumer c : q.consumers.all()) {
      offered.add(c.handlers);
    }
    return new QueueStats(q.name, q.ready.size(), q.inFlight, q.consumers.size(), q.delivered, q.completed, q.delayed,
        q.dead.size(), q.failed, q.redelivered, q.leaseExpired, q.ready.waitingForHandler(offered),
        q.paused, q.ready.stops() + q.heldStops, q.closed);
  }

  private static long sessionNumber(Session s) {
    return parseSession(s.id());
  }

  private static long parseSession(String id) {
    try {
      return Long.parseLong(id);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("cursor names no session: '" + id + "'");
    }
  }
}
