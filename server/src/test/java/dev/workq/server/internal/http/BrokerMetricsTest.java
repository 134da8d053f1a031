package dev.workq.server.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.QueueStats;
import dev.workq.protocol.StatsReply;
import dev.workq.server.internal.core.CoreBudgets;
import dev.workq.server.internal.core.CoreSnapshot;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Prometheus text of {@link BrokerMetrics}, per-queue families written by {@link QueueMetricsWriter}. */
class BrokerMetricsTest {

  /** Not a name the broker accepts today, but label values must be escaped whatever they hold. */
  private static final String AWKWARD = "we\"ird\\na\nme";

  private static CoreSnapshot snapshot(List<QueueStats> queues) {
    return new CoreSnapshot(new StatsReply(0, queues, List.of(), 2, 7, 1234), Set.of(), null, null).sorted();
  }

  private static QueueStats queue(String name, long base) {
    return new QueueStats(name, base + 1, base + 2, (int) base + 3, base + 4, base + 5, base + 6, base + 7, base + 8,
        base + 9, base + 10, base + 11, false, 0, false);
  }

  @Test
  void writesEachFamilyOnceWithHelpTypeAndEscapedLabels() {
    String text = new String(new BrokerMetrics().scrape(snapshot(List.of(queue("b-queue", 0), queue(AWKWARD, 100)))),
        StandardCharsets.UTF_8);
    assertTrue(text.contains("# HELP workq_queue_depth Ready items waiting to be delivered\n"
        + "# TYPE workq_queue_depth gauge\n"
        + "workq_queue_depth{queue=\"b-queue\"} 1.0\n"
        + "workq_queue_depth{queue=\"we\\\"ird\\\\na\\nme\"} 101.0\n"), text);
    assertTrue(text.contains("# HELP workq_queue_delivered_total Deliveries\n"
        + "# TYPE workq_queue_delivered_total counter\n"
        + "workq_queue_delivered_total{queue=\"b-queue\"} 4.0\n"), text);
    for (QueueMetricsWriter.Family f : QueueMetricsWriter.FAMILIES) {
      assertEquals(1, count(text, "# HELP " + f.name() + " "), f.name());
      assertEquals(1, count(text, "# TYPE " + f.name() + " " + f.type() + "\n"), f.name());
      assertEquals(2, count(text, "\n" + f.name() + "{queue=\""), f.name());
    }
    assertTrue(text.contains("\nworkq_clients_connected 2.0\n"), text);
    assertTrue(text.contains("\nworkq_stale_results_total 7.0\n"), text);
  }

  @Test
  void matchesWhatMicrometerPrintedForTheSameMetersByteForByte() {
    List<QueueStats> queues = List.of(queue("photos", 0), queue("a:q.x", 20_000_000), queue(AWKWARD, 5));
    CoreSnapshot s = snapshot(queues);
    String actual = new String(new BrokerMetrics().scrape(s), StandardCharsets.UTF_8);
    // The broker-wide families the reference also has, and every per-queue family, byte for byte.
    List<String[]> expected = BrokerMetrics.families(reference(s));
    java.util.Map<String, String> got = new java.util.HashMap<>();
    List<String> order = new java.util.ArrayList<>();
    for (String[] f : BrokerMetrics.families(actual)) {
      got.put(f[0], f[1]);
      order.add(f[0]);
    }
    for (String[] f : expected) {
      assertEquals(f[1], got.get(f[0]), f[0]);
    }
    List<String> sorted = new java.util.ArrayList<>(order);
    java.util.Collections.sort(sorted);
    assertEquals(sorted, order, "families in name order, as one registry prints them");
  }

  @Test
  void noQueuesMeansNoPerQueueFamilies() {
    String text = new String(new BrokerMetrics().scrape(snapshot(List.of())), StandardCharsets.UTF_8);
    assertEquals(0, count(text, "workq_queue_"), text);
    assertTrue(text.startsWith("# HELP workq_clients_connected "), text);
  }

  @Test
  void theWaitAndRetentionBudgetsAreReadFromTheSnapshotsBudgets() {
    CoreBudgets budgets = new CoreBudgets(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, new CoreBudgets.WaitCounts(3, 1024, 2),
        new CoreBudgets.RetainedCounts(7, 10_000, 1_234, 16 << 20, 5, 6));
    CoreSnapshot s = new CoreSnapshot(new StatsReply(0, List.of(), List.of(), 0, 0, 0), Set.of(), null, budgets).sorted();
    String text = new String(new BrokerMetrics().scrape(s), StandardCharsets.UTF_8);
    assertTrue(text.contains("# HELP workq_waits Task waits and queue joins waiting over all connections\n"
        + "# TYPE workq_waits gauge\n"
        + "workq_waits 3.0\n"), text);
    assertTrue(text.contains("# HELP workq_waits_per_connection_max Task waits and queue joins per connection past which each"
        + " gets WAIT_LIMIT (--max-waits-per-connection)\n"
        + "# TYPE workq_waits_per_connection_max gauge\n"
        + "workq_waits_per_connection_max 1024.0\n"), text);
    assertTrue(text.contains("# HELP workq_retained_results Finished tasks retained for status, wait and deduplication\n"
        + "# TYPE workq_retained_results gauge\n"
        + "workq_retained_results 7.0\n"), text);
    assertTrue(text.contains("# HELP workq_retained_results_max Retained finished tasks past which the oldest are dropped"
        + " (--max-retained-results)\n"
        + "# TYPE workq_retained_results_max gauge\n"
        + "workq_retained_results_max 10000.0\n"), text);
    assertTrue(text.contains("# HELP workq_retained_bytes Bytes of the retained finished tasks (result records plus 160 bytes each)\n"
        + "# TYPE workq_retained_bytes gauge\n"
        + "workq_retained_bytes 1234.0\n"), text);
    assertTrue(text.contains("# HELP workq_retained_budget_bytes Bytes of retained results past which the oldest are dropped"
        + " (--max-retained-bytes)\n"
        + "# TYPE workq_retained_budget_bytes gauge\n"
        + "workq_retained_budget_bytes 1.6777216E7\n"), text);
    assertTrue(text.contains("\nworkq_refused_total{reason=\"wait_limit\"} 2.0\n"), text);
    assertTrue(text.contains("# HELP workq_retained_evictions_total Retained finished tasks dropped before their retention was"
        + " over to stay within a cap, by the cap\n"
        + "# TYPE workq_retained_evictions_total counter\n"), text);
    assertTrue(text.contains("\nworkq_retained_evictions_total{reason=\"bytes_cap\"} 6.0\n"), text);
    assertTrue(text.contains("\nworkq_retained_evictions_total{reason=\"results_cap\"} 5.0\n"), text);
  }

  @Test
  void aSnapshotScrapedTwiceIsEncodedOnce() {
    BrokerMetrics metrics = new BrokerMetrics();
    CoreSnapshot s = snapshot(List.of(queue("photos", 0)));
    assertSame(metrics.scrape(s), metrics.scrape(s));
  }

  /** The registry of the broker before QueueMetricsWriter: a Micrometer meter per queue and family. */
  private static String reference(CoreSnapshot s) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Gauge.builder("workq_workers_connected", s, x -> x.stats().workers().size()).description("Connected worker processes").register(registry);
    Gauge.builder("workq_clients_connected", s, x -> x.stats().clients()).description("Connected clients").register(registry);
    Gauge.builder("workq_journal_bytes", s, x -> x.stats().journalBytes())
        .description("Bytes of journal segments and snapshots on disk").baseUnit("bytes").register(registry);
    FunctionCounter.builder("workq_stale_results", s, x -> x.stats().staleResults())
        .description("Results rejected because their lease had expired or was from an earlier broker run").register(registry);
    for (QueueStats q : s.stats().queues()) {
      for (QueueMetricsWriter.Family f : QueueMetricsWriter.FAMILIES) {
        if (f.type().equals("counter")) {
          FunctionCounter.builder(f.name().substring(0, f.name().length() - "_total".length()), q, f.value()::applyAsLong)
              .description(f.help()).tag("queue", q.name()).register(registry);
        } else {
          Gauge.builder(f.name(), q, f.value()::applyAsLong).description(f.help()).tag("queue", q.name()).register(registry);
        }
      }
    }
    return registry.scrape();
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
