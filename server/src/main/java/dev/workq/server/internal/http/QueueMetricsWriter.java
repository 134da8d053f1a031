package dev.workq.server.internal.http;

import dev.workq.protocol.QueueStats;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Writes the per-queue metric families (11 per queue, labelled {@code queue}) in the Prometheus
 * text exposition format 0.0.4, straight from a snapshot's counters: one pass per family over the
 * queues, so a scrape is linear in queues. Micrometer would need a registered meter per queue and
 * family (220,000 at 20,000 queues) and, before this class, found each one's value by a search of
 * all queues. The text is what Micrometer's Prometheus registry printed for the same meters:
 * counters get {@code _total} (on the TYPE line too), values are printed as doubles, and label
 * values are escaped as the format says.
 */
final class QueueMetricsWriter {

  /** One per-queue family: the name as exposed (with {@code _total} for counters). */
  record Family(String name, String type, String help, ToLongFunction<QueueStats> value) {}

  /** In name order, which is the order Prometheus registries print families in. */
  static final List<Family> FAMILIES = List.of(
      counter("workq_queue_completed", "Items completed or acked", QueueStats::completed),
      gauge("workq_queue_consumers", "Consumers subscribed", QueueStats::consumers),
      gauge("workq_queue_dead_letters", "Tasks in the dead letters", QueueStats::dead),
      gauge("workq_queue_delayed", "Failed tasks waiting out their retry backoff", QueueStats::delayed),
      counter("workq_queue_delivered", "Deliveries", QueueStats::delivered),
      gauge("workq_queue_depth", "Ready items waiting to be delivered", QueueStats::ready),
      counter("workq_queue_failures", "Failed task attempts reported by workers", QueueStats::failed),
      gauge("workq_queue_in_flight", "Items delivered and not yet finished", QueueStats::inFlight),
      counter("workq_queue_lease_expiries", "Leases that expired", QueueStats::leaseExpired),
      counter("workq_queue_redeliveries", "Deliveries that came back unfinished (worker lost)", QueueStats::redelivered),
      gauge("workq_queue_waiting_for_handler", "Ready tasks whose handler no connected worker offers",
          QueueStats::waitingForHandler));

  private QueueMetricsWriter() {}

  private static Family gauge(String name, String help, ToLongFunction<QueueStats> value) {
    return new Family(name, "gauge", help, value);
  }

  private static Family counter(String name, String help, ToLongFunction<QueueStats> value) {
    return new Family(name + "_total", "counter", help, value);
  }

  /**
   * Appends {@code family} for {@code queues} (already in the order to print, by name); nothing
   * at all when there are no queues, as a registry with no meters of a family prints nothing.
   */
  static void write(StringBuilder out, Family family, List<QueueStats> queues) {
    if (queues.isEmpty()) {
      return;
    }
    out.append("# HELP ").append(family.name()).append(' ');
    escapeHelp(out, family.help());
    out.append('\n');
    out.append("# TYPE ").append(family.name()).append(' ').append(family.type()).append('\n');
    for (QueueStats q : queues) {
      out.append(family.name()).append("{queue=\"");
      escapeLabelValue(out, q.name());
      out.append("\"} ");
      appendDouble(out, family.value().applyAsLong(q));
      out.append('\n');
    }
  }

  /** Label values escape backslash, double quote and line feed. */
  static void escapeLabelValue(StringBuilder out, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
  }

  /** Help texts escape backslash and line feed. */
  static void escapeHelp(StringBuilder out, String help) {
    for (int i = 0; i < help.length(); i++) {
      char c = help.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
  }

  /**
   * {@code Double.toString(v)}, as the Prometheus registry prints values, without the cost of
   * formatting a double for the common case: below 10^7 that is the integer and ".0".
   */
  static void appendDouble(StringBuilder out, long v) {
    if (v > -10_000_000L && v < 10_000_000L) {
      out.append(v).append(".0");
    } else {
      out.append(Double.toString((double) v));
    }
  }
}
