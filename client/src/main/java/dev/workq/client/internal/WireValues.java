package dev.workq.client.internal;

import dev.workq.client.BrokerStats;
import dev.workq.client.DeadLetter;
import dev.workq.client.DeadLetterPage;
import dev.workq.client.QueueStats;
import dev.workq.client.WorkerStats;
import dev.workq.protocol.DeadLettersReply;
import dev.workq.protocol.StatsReply;
import dev.workq.protocol.WorkerInfo;
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
            q.dead(), q.failed(), q.redelivered(), q.leaseExpired(), q.waitingForHandler(), q.paused(), q.stops()));
      }
      for (WorkerInfo w : page.workers()) {
        workers.add(new WorkerStats(w.name(), w.host(), w.pid(), w.handlers(), w.inFlight(), w.session()));
      }
    }
    StatsReply last = pages.get(pages.size() - 1);
    return new BrokerStats(queues, workers, last.clients(), last.staleResults(), last.journalBytes());
  }

  public static DeadLetterPage deadLetterPage(DeadLettersReply reply) {
    List<DeadLetter> items = new ArrayList<>(reply.items().size());
    for (dev.workq.protocol.DeadLetter d : reply.items()) {
      items.add(new DeadLetter(d.id(), d.handler(), d.attempts(), d.crashes(), d.errors(), d.payload()));
    }
    return new DeadLetterPage(reply.queue(), reply.total(), items);
  }
}
