package dev.workq.server.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;

/**
 * The broker's one Micrometer registry and the meters that threads other than the HTTP plane's
 * record into: the journal's fsync latencies (journal writer and compactor threads) and the
 * items' round trips (core thread). Those record into lock-free Micrometer timers (adders, an
 * atomic bucket array), so recording never blocks on a scrape; the HTTP plane only reads them.
 * The registry also holds the broker's start time, because the broker's counters start from zero
 * at every start: dashboards use {@code increase()}/{@code rate()}, which handle the reset.
 *
 * <p>Histograms have fixed buckets (service-level objectives), not Micrometer's percentile
 * histogram of about 70 buckets: {@code histogram_quantile} needs buckets, and a few that span
 * what a disk or a task can take keep the scrape small.
 *
 * <p>The registry holds no thread or OS resource, so it needs no closing; the JVM binders bound
 * to it by the HTTP listener are closed with that ({@code JvmMeters}).
 */
public final class BrokerMeters {

  /** The fsync histogram's bucket bounds: 100 µs (a fast NVMe) to 10 s (a stalled disk). */
  public static final List<Duration> FSYNC_BUCKETS = List.of(micros(100), micros(250), micros(500), millis(1), micros(2500),
      millis(5), millis(10), millis(25), millis(50), millis(100), millis(250), millis(500), millis(1000), millis(2500),
      millis(5000), millis(10_000));

  /** The round-trip histogram's bucket bounds: 1 ms to 1 h (a task may wait long in its queue). */
  public static final List<Duration> ROUND_TRIP_BUCKETS = List.of(millis(1), micros(2500), millis(5), millis(10), millis(25),
      millis(50), millis(100), millis(250), millis(500), millis(1000), millis(2500), millis(5000), millis(10_000),
      millis(30_000), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1));

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final long startedAtMillis;
  private final Timer fsync;

  /** @param startedAtMillis when the broker started, epoch milliseconds */
  public BrokerMeters(long startedAtMillis) {
    this.startedAtMillis = startedAtMillis;
    promlintClean();
    double startSeconds = startedAtMillis / 1000.0;
    Gauge.builder("workq_broker_start_time_seconds", () -> startSeconds)
        .description("When this broker started, in seconds since the epoch; its counters count from zero since then")
        .register(registry);
    fsync = Timer.builder("workq_journal_fsync")
        .description("Journal fsyncs (segments and snapshots) and the time they took")
        .serviceLevelObjectives(FSYNC_BUCKETS.toArray(Duration[]::new))
        .register(registry);
  }

  /**
   * Two of Micrometer's binder meters fail {@code promtool check metrics}: {@code system_cpu_count}
   * (a gauge must not end in {@code _count}) becomes {@code system_cpus}, and
   * {@code process_cpu_time_ns_total} (an abbreviated unit, nanoseconds) is dropped for the
   * conventional {@code process_cpu_seconds_total} the HTTP listener's JVM meters register. Before
   * any meter is registered: a filter applies to the meters registered after it.
   */
  private void promlintClean() {
    registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")));
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
      }
    });
  }

  /** The registry every broker meter is in; {@code /metrics} scrapes it. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** When the broker started, epoch milliseconds. */
  public long startedAtMillis() {
    return startedAtMillis;
  }

  /** The journal's fsync timer, recorded on the journal's threads. */
  public Timer fsyncTimer() {
    return fsync;
  }

  /**
   * A round-trip timer for items of {@code kind} (a lower-case item kind): from the item being
   * accepted (its put durable) to its completion or ack. Recorded on the core thread.
   */
  public Timer roundTripTimer(String kind) {
    return Timer.builder("workq_round_trip")
        .description("Items from their put being accepted (durable) to their successful COMPLETE or ACK, by item kind; "
            + "the clock of an item recovered from the journal starts at the broker's start")
        .tag("kind", kind)
        .serviceLevelObjectives(ROUND_TRIP_BUCKETS.toArray(Duration[]::new))
        .register(registry);
  }

  private static Duration micros(long n) {
    return Duration.ofNanos(n * 1000);
  }

  private static Duration millis(long n) {
    return Duration.ofMillis(n);
  }
}
