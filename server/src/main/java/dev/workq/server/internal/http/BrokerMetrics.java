package dev.workq.server.internal.http;

import dev.workq.protocol.QueueStats;
import dev.workq.server.HandshakeStats;
import dev.workq.server.internal.core.CoreBudgets;
import dev.workq.server.internal.core.CoreSnapshot;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * The broker's Prometheus metrics. The broker-wide meters are Micrometer meters that read the
 * latest {@link CoreSnapshot}, so no meter ever touches core state; the per-queue families (the
 * queue name is the {@code queue} label) are written by {@link QueueMetricsWriter} from the same
 * snapshot, in time linear in queues, and merged into Micrometer's text in family-name order, so
 * the whole text reads as one registry's. Runs on the HTTP plane's thread, never the core's.
 *
 * <p>The registry is the broker's ({@code BrokerMeters}): it also holds the meters other threads
 * record into (fsync and round-trip histograms, the start time) and the JVM's, which this class
 * scrapes with its own.
 */
final class BrokerMetrics {

  private final PrometheusMeterRegistry registry;
  private final AtomicReference<CoreSnapshot> latest = new AtomicReference<>();
  /** A cluster leader's gauges; registered at its first scrape. */
  private final ClusterMetrics cluster;
  /** The last snapshot scraped and its text: scrapes that share a snapshot share the encoding. */
  private CoreSnapshot lastSnapshot;
  private final java.util.function.Supplier<HandshakeStats> handshakes;
  private byte[] lastText;

  /** In a registry of its own and without handshake counters: for tests. */
  BrokerMetrics() {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> null);
  }

  /**
   * Registers the broker-wide meters in {@code registry}, with the pre-handshake budget's counters
   * from {@code handshakes} (null when unknown).
   */
  BrokerMetrics(PrometheusMeterRegistry registry, java.util.function.Supplier<HandshakeStats> handshakes) {
    this.registry = registry;
    this.cluster = new ClusterMetrics(registry);
    // Meters hold what they read weakly: keep it here, or its meters read NaN once it is collected.
    this.handshakes = handshakes;
    budgets();
    handshakeMeters(handshakes);
    Gauge.builder("workq_workers_connected", latest, r -> r.get() == null ? 0 : r.get().stats().workers().size())
        .description("Connected worker processes").register(registry);
    Gauge.builder("workq_clients_connected", latest, r -> r.get() == null ? 0 : r.get().stats().clients())
        .description("Connected clients").register(registry);
    Gauge.builder("workq_journal_bytes", latest, r -> r.get() == null ? 0 : r.get().stats().journalBytes())
        .description("Bytes of journal segments and snapshots on disk").baseUnit("bytes").register(registry);
    FunctionCounter.builder("workq_stale_results", latest, r -> r.get() == null ? 0 : r.get().stats().staleResults())
        .description("Results rejected because their lease had expired or was from an earlier broker run").register(registry);
  }

  /** The budgets' meters: what is held against each limit, the limit, and the refusals it made. */
  private void budgets() {
    budgetGauge("workq_memory_held_bytes", "Bytes of the items the broker holds (ready, in flight, delayed, dead, results)",
        CoreBudgets::heldBytes, "bytes");
    budgetGauge("workq_memory_budget_bytes", "Bytes of items past which puts get MEMORY_LIMIT (--max-memory-bytes)",
        CoreBudgets::maxMemoryBytes, "bytes");
    budgetGauge("workq_pending_bytes", "Bytes of requests read from connections and not yet handled", CoreBudgets::pendingBytes, "bytes");
    budgetGauge("workq_pending_budget_bytes", "Bytes of pending requests past which the broker stops reading (--max-pending-bytes)",
        CoreBudgets::maxPendingBytes, "bytes");
    budgetGauge("workq_queues", "Queues the broker holds", CoreBudgets::queues, null);
    budgetGauge("workq_queues_max", "Queues past which creating one gets QUEUE_LIMIT (--max-queues)", CoreBudgets::maxQueues, null);
    budgetGauge("workq_consumers", "Consumers over all connections", CoreBudgets::consumers, null);
    budgetGauge("workq_consumers_max", "Consumers past which CONSUME gets CONSUMER_LIMIT (--max-consumers)", CoreBudgets::maxConsumers, null);
    budgetGauge("workq_waits", "Task waits and queue joins waiting over all connections", b -> b.waits().held(), null);
    budgetGauge("workq_waits_per_connection_max", "Task waits and queue joins per connection past which each gets WAIT_LIMIT"
        + " (--max-waits-per-connection)", b -> b.waits().maxPerConnection(), null);
    budgetGauge("workq_retained_results", "Finished tasks retained for status, wait and deduplication", b -> b.retained().results(),
        null);
    budgetGauge("workq_retained_results_max", "Retained finished tasks past which the oldest are dropped (--max-retained-results)",
        b -> b.retained().maxResults(), null);
    budgetGauge("workq_retained_bytes", "Bytes of the retained finished tasks (result records plus 160 bytes each)",
        b -> b.retained().bytes(), "bytes");
    budgetGauge("workq_retained_budget_bytes", "Bytes of retained results past which the oldest are dropped (--max-retained-bytes)",
        b -> b.retained().maxBytes(), "bytes");
    refused("memory", CoreBudgets::refusedMemory);
    refused("queue_bytes", CoreBudgets::refusedQueueBytes);
    refused("queue_length", CoreBudgets::refusedQueueLength);
    refused("queue_limit", CoreBudgets::refusedQueueLimit);
    refused("consumer_limit", CoreBudgets::refusedConsumerLimit);
    refused("wait_limit", b -> b.waits().refused());
    retainedEvictions("results_cap", b -> b.retained().evictedOverResults());
    retainedEvictions("bytes_cap", b -> b.retained().evictedOverBytes());
  }

  /** {@code value} of the latest snapshot's budgets, 0 before the first snapshot. */
  private static ToDoubleFunction<AtomicReference<CoreSnapshot>> ofBudgets(ToDoubleFunction<CoreBudgets> value) {
    return r -> {
      CoreBudgets b = r.get() == null ? null : r.get().budgets();
      return b == null ? 0 : value.applyAsDouble(b);
    };
  }

  private void budgetGauge(String name, String help, ToDoubleFunction<CoreBudgets> value, String unit) {
    Gauge.Builder<AtomicReference<CoreSnapshot>> g = Gauge.builder(name, latest, ofBudgets(value)).description(help);
    if (unit != null) {
      g.baseUnit(unit);
    }
    g.register(registry);
  }

  private void refused(String reason, ToDoubleFunction<CoreBudgets> value) {
    FunctionCounter.builder("workq_refused", latest, ofBudgets(value))
        .description("Requests refused by a budget, by the budget that refused them").tag("reason", reason).register(registry);
  }

  private void retainedEvictions(String reason, ToDoubleFunction<CoreBudgets> value) {
    FunctionCounter.builder("workq_retained_evictions", latest, ofBudgets(value))
        .description("Retained finished tasks dropped before their retention was over to stay within a cap, by the cap")
        .tag("reason", reason).register(registry);
  }

  private void handshakeMeters(java.util.function.Supplier<HandshakeStats> stats) {
    Gauge.builder("workq_handshake_connections", stats, s -> s.get() == null ? 0 : s.get().connections())
        .description("Connections not yet welcomed (in TLS, the authkey exchange or HELLO)").register(registry);
    Gauge.builder("workq_handshake_held_bytes", stats, s -> s.get() == null ? 0 : s.get().bytesHeld())
        .description("Bytes the partial frames of connections not yet welcomed hold (--handshake-buffer-budget)").baseUnit("bytes")
        .register(registry);
    FunctionCounter.builder("workq_handshake_evictions", stats, s -> s.get() == null ? 0 : s.get().evictedOverAddressCap())
        .description("Connections closed in their handshake to stay within a budget").tag("reason", "address_cap").register(registry);
    FunctionCounter.builder("workq_handshake_evictions", stats, s -> s.get() == null ? 0 : s.get().evictedOverBufferBudget())
        .description("Connections closed in their handshake to stay within a budget").tag("reason", "buffer_budget").register(registry);
  }

  /**
   * The Prometheus text (format 0.0.4, UTF-8) for {@code snapshot}, whose queues must be sorted
   * by name ({@link CoreSnapshot#sorted()}).
   */
  synchronized byte[] scrape(CoreSnapshot snapshot) {
    if (snapshot == lastSnapshot) {
      return lastText;
    }
    latest.set(snapshot);
    if (snapshot.stats().cluster() != null) {
      cluster.update(snapshot.stats().cluster());
    }
    List<QueueStats> queues = snapshot.stats().queues();
    List<String[]> brokerWide = families(registry.scrape());
    List<QueueMetricsWriter.Family> perQueue = QueueMetricsWriter.FAMILIES;
    // Roughly 50 bytes a line, 11 lines a queue.
    StringBuilder out = new StringBuilder(4096 + queues.size() * 11 * 56);
    int b = 0;
    int q = 0;
    while (b < brokerWide.size() || q < perQueue.size()) {
      if (q == perQueue.size() || (b < brokerWide.size() && brokerWide.get(b)[0].compareTo(perQueue.get(q).name()) < 0)) {
        out.append(brokerWide.get(b++)[1]);
      } else {
        QueueMetricsWriter.write(out, perQueue.get(q++), queues);
      }
    }
    lastSnapshot = snapshot;
    lastText = out.toString().getBytes(StandardCharsets.UTF_8);
    return lastText;
  }

  /**
   * Splits exposition text into its families, each {name, text} from its {@code # HELP} line to
   * the next; any text before the first family comes first, under the name "".
   */
  static List<String[]> families(String text) {
    List<String[]> out = new ArrayList<>();
    String name = "";
    int start = 0;
    int at = text.startsWith("# HELP ") ? 0 : next(text, 0);
    while (at >= 0) {
      if (at > start) {
        out.add(new String[] {name, text.substring(start, at)});
      }
      int nameStart = at + "# HELP ".length();
      int nameEnd = text.indexOf(' ', nameStart);
      name = text.substring(nameStart, nameEnd < 0 ? text.length() : nameEnd);
      start = at;
      at = next(text, at + 1);
    }
    if (start < text.length()) {
      out.add(new String[] {name, text.substring(start)});
    }
    return out;
  }

  /** Where the next line starting "# HELP " at or after {@code from} begins, or -1. */
  private static int next(String text, int from) {
    int i = text.indexOf("\n# HELP ", Math.max(0, from - 1));
    return i < 0 ? -1 : i + 1;
  }
}
