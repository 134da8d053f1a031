package dev.workq.server.internal.http;

import dev.workq.protocol.QueueStats;
import dev.workq.server.internal.core.CoreSnapshot;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * The broker's Prometheus metrics, through Micrometer. Meters read the latest {@link CoreSnapshot}
 * (taken on the core thread just before each scrape), so no meter ever touches core state; a
 * queue's meters appear with the queue and go when it does. The queue name is the {@code queue}
 * label.
 */
final class BrokerMetrics {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicReference<CoreSnapshot> latest = new AtomicReference<>();
  private final Map<String, List<Meter>> queueMeters = new HashMap<>();

  BrokerMetrics() {
    Gauge.builder("workq_workers_connected", latest, r -> r.get() == null ? 0 : r.get().stats().workers().size())
        .description("Connected worker processes").register(registry);
    Gauge.builder("workq_clients_connected", latest, r -> r.get() == null ? 0 : r.get().stats().clients())
        .description("Connected clients").register(registry);
    Gauge.builder("workq_journal_bytes", latest, r -> r.get() == null ? 0 : r.get().stats().journalBytes())
        .description("Bytes of journal segments and snapshots on disk").baseUnit("bytes").register(registry);
    FunctionCounter.builder("workq_stale_results", latest, r -> r.get() == null ? 0 : r.get().stats().staleResults())
        .description("Results rejected because their lease had expired or was from an earlier broker run").register(registry);
    FunctionTimer.builder("workq_journal_fsync", latest,
            r -> r.get() == null || r.get().journal() == null ? 0 : r.get().journal().fsyncs(),
            r -> r.get() == null || r.get().journal() == null ? 0 : r.get().journal().totalFsyncNanos(), TimeUnit.NANOSECONDS)
        .description("Journal fsyncs and the time they took").register(registry);
  }

  /** Updates the snapshot the meters read and returns the Prometheus text. Call on one thread at a time. */
  synchronized String scrape(CoreSnapshot snapshot) {
    latest.set(snapshot);
    Map<String, QueueStats> now = new HashMap<>();
    snapshot.stats().queues().forEach(q -> now.put(q.name(), q));
    queueMeters.keySet().removeIf(name -> {
      if (now.containsKey(name)) {
        return false;
      }
      queueMeters.get(name).forEach(registry::remove);
      return true;
    });
    now.keySet().forEach(name -> queueMeters.computeIfAbsent(name, this::register));
    return registry.scrape();
  }

  private List<Meter> register(String queue) {
    List<Meter> meters = new ArrayList<>();
    meters.add(gauge(queue, "workq_queue_depth", "Ready items waiting to be delivered", QueueStats::ready));
    meters.add(gauge(queue, "workq_queue_in_flight", "Items delivered and not yet finished", QueueStats::inFlight));
    meters.add(gauge(queue, "workq_queue_delayed", "Failed tasks waiting out their retry backoff", QueueStats::delayed));
    meters.add(gauge(queue, "workq_queue_dead_letters", "Tasks in the dead letters", QueueStats::dead));
    meters.add(gauge(queue, "workq_queue_consumers", "Consumers subscribed", QueueStats::consumers));
    meters.add(gauge(queue, "workq_queue_waiting_for_handler", "Ready tasks whose handler no connected worker offers",
        QueueStats::waitingForHandler));
    meters.add(counter(queue, "workq_queue_delivered", "Deliveries", QueueStats::delivered));
    meters.add(counter(queue, "workq_queue_completed", "Items completed or acked", QueueStats::completed));
    meters.add(counter(queue, "workq_queue_failures", "Failed task attempts reported by workers", QueueStats::failed));
    meters.add(counter(queue, "workq_queue_redeliveries", "Deliveries that came back unfinished (worker lost)", QueueStats::redelivered));
    meters.add(counter(queue, "workq_queue_lease_expiries", "Leases that expired", QueueStats::leaseExpired));
    return meters;
  }

  private double value(String queue, ToDoubleFunction<QueueStats> f) {
    CoreSnapshot s = latest.get();
    if (s == null) {
      return 0;
    }
    return s.stats().queues().stream().filter(q -> q.name().equals(queue)).findFirst().map(f::applyAsDouble).orElse(0.0);
  }

  private Meter gauge(String queue, String name, String help, ToDoubleFunction<QueueStats> f) {
    return Gauge.builder(name, this, m -> m.value(queue, f)).description(help).tag("queue", queue).register(registry);
  }

  private Meter counter(String queue, String name, String help, ToDoubleFunction<QueueStats> f) {
    return FunctionCounter.builder(name, this, m -> m.value(queue, f)).description(help).tag("queue", queue).register(registry);
  }
}
