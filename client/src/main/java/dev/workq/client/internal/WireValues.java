package dev.workq.client.internal;

import dev.workq.client.BrokerStats;
import dev.workq.client.ClusterStats;
import dev.workq.protocol.ClusterInfo;
import dev.workq.client.DeadLetter;
import dev.workq.client.DeadLetterPage;
import dev.workq.client.PeekResult;
import dev.workq.client.PeekedItem;
import dev.workq.client.QueueStats;
import dev.workq.client.TaskState;
import dev.workq.client.TaskStatus;
import dev.workq.client.WorkerStats;
import dev.workq.protocol.DeadLettersReply;
import dev.workq.protocol.QueuePeekOk;
import dev.workq.protocol.StatsReply;
import dev.workq.protocol.TaskInfo;
import dev.workq.protocol.WorkerInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the broker's answers into the client's public values, so wire records (with their
 * correlation ids and page cursors) stay in the protocol and here.
 */
public final class WireValues {

  private WireValues() {}

  /** One view of every page of a STATS answer, in order; the broker-wide counters are the last page's. */
  public static BrokerStats brokerStats(List<StatsReply> pages) {
    List<QueueStats> queues = new ArrayList<>();
    List<WorkerStats> workers = new ArrayList<>();
    for (StatsReply page : pages) {
      for (dev.workq.protocol.QueueStats q : page.queues()) {
        queues.add(new QueueStats(q.name(), q.ready(), q.inFlight(), q.consumers(), q.delivered(), q.completed(), q.delayed(),
            q.dead(), q.failed(), q.redelivered(), q.leaseExpired(), q.waitingForHandler(), q.paused(), q.stops(), q.closed()));
      }
      for (WorkerInfo w : page.workers()) {
        workers.add(new WorkerStats(w.name(), w.host(), w.pid(), w.handlers(), w.inFlight(), w.session()));
      }
    }
    StatsReply last = pages.get(pages.size() - 1);
    return new BrokerStats(queues, workers, last.clients(), last.staleResults(), last.journalBytes(), clusterStats(pages.get(0).cluster()));
  }

  private static ClusterStats clusterStats(ClusterInfo c) {
    if (c == null) {
      return null;
    }
    List<ClusterStats.Member> members = new ArrayList<>(c.members().size());
    for (ClusterInfo.Member m : c.members()) {
      members.add(new ClusterStats.Member(m.id(), m.address(), m.commitIndex(), m.lag()));
    }
    return new ClusterStats(c.node(), c.role(), c.leader(), c.term(), c.commitIndex(), c.appliedIndex(), members);
  }

  public static DeadLetterPage deadLetterPage(DeadLettersReply reply) {
    List<DeadLetter> items = new ArrayList<>(reply.items().size());
    for (dev.workq.protocol.DeadLetter d : reply.items()) {
      items.add(new DeadLetter(d.id(), d.handler(), d.attempts(), d.crashes(), d.errors(), d.payload()));
    }
    return new DeadLetterPage(reply.queue(), reply.total(), items);
  }

  /** The client's word for a task state; one this client does not know reads as UNKNOWN. */
  public static TaskState state(dev.workq.protocol.TaskState state) {
    if (state == null) {
      return TaskState.UNKNOWN;
    }
    try {
      return TaskState.valueOf(state.name());
    } catch (IllegalArgumentException e) {
      return TaskState.UNKNOWN;
    }
  }

  public static TaskStatus taskStatus(TaskInfo t) {
    return new TaskStatus(t.id(), state(t.state()), t.queue(), t.handler(), t.priority(), t.attempts(), t.maxAttempts(),
        t.worker(), instant(t.since()), instant(t.notBefore()), t.error(), t.key());
  }

  public static PeekResult peekResult(QueuePeekOk reply) {
    List<PeekedItem> items = new ArrayList<>(reply.items().size());
    for (dev.workq.protocol.PeekedItem p : reply.items()) {
      items.add(new PeekedItem(p.id(), p.kind(), p.handler(), p.priority(), state(p.state()), p.attempts(), instant(p.notBefore()),
          p.bytes(), p.preview()));
    }
    return new PeekResult(reply.queue(), reply.ready(), reply.delayed(), items);
  }

  private static Instant instant(Long epochMillis) {
    return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis);
  }
}
