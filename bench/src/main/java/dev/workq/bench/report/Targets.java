package dev.workq.bench.report;

import dev.workq.bench.workload.MemoryCheck;
import dev.workq.bench.workload.WorkloadResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The speed targets, checked against a run's results (at 100-byte payloads). A target
 * whose systems were not run is reported as not checked. Speed is asserted here, by the harness
 * on a real run, never by unit tests.
 */
public final class Targets {

  /** One target: what it says, whether it was checked, whether it held, and the figures. */
  public record Check(String target, boolean checked, boolean met, String detail) {}

  static final String DURABLE = "workq fsync=always";
  static final String NON_DURABLE = "workq fsync=never";
  static final String RABBIT_DURABLE = "rabbitmq durable";
  static final List<String> NON_DURABLE_PEERS = List.of("rabbitmq transient", "redis no-aof", "python mp-managers");
  static final List<String> PEERS = List.of("rabbitmq durable", "rabbitmq transient", "redis aof=always", "redis no-aof",
      "nats jetstream", "python mp-managers");
  static final double LAT_RATE = 10_000;

  private Targets() {}

  public static List<Check> check(List<WorkloadResult> results, MemoryCheck mem) {
    List<Check> checks = new ArrayList<>();
    Optional<WorkloadResult> durable = rt(results, DURABLE);
    Optional<WorkloadResult> rabbit = rt(results, RABBIT_DURABLE);
    String t1 = "RT durable (fsync always) >= 4x RabbitMQ durable tasks/s";
    if (durable.isPresent() && rabbit.isPresent()) {
      double ratio = durable.get().rate() / rabbit.get().rate();
      checks.add(new Check(t1, true, ratio >= 4, String.format(Locale.ROOT, "%.0f vs %.0f tasks/s: %.2fx", durable.get().rate(), rabbit.get().rate(), ratio)));
    } else {
      checks.add(new Check(t1, false, false, "needs workq-always and rabbitmq-durable"));
    }
    String t2 = "RT durable faster than every non-durable peer";
    Optional<WorkloadResult> fastestNonDurable = fastest(results, NON_DURABLE_PEERS);
    if (durable.isPresent() && fastestNonDurable.isPresent()) {
      WorkloadResult f = fastestNonDurable.get();
      checks.add(new Check(t2, true, durable.get().rate() > f.rate(), String.format(Locale.ROOT, "%.0f vs %s %.0f tasks/s",
          durable.get().rate(), f.system(), f.rate())));
    } else {
      checks.add(new Check(t2, false, false, "needs workq-always and a non-durable peer"));
    }
    String t3 = "RT non-durable (fsync never) >= 2.5x the fastest peer";
    Optional<WorkloadResult> never = rt(results, NON_DURABLE);
    Optional<WorkloadResult> fastestPeer = fastest(results, PEERS);
    if (never.isPresent() && fastestPeer.isPresent()) {
      double ratio = never.get().rate() / fastestPeer.get().rate();
      checks.add(new Check(t3, true, ratio >= 2.5, String.format(Locale.ROOT, "%.0f vs %s %.0f tasks/s: %.2fx", never.get().rate(),
          fastestPeer.get().system(), fastestPeer.get().rate(), ratio)));
    } else {
      checks.add(new Check(t3, false, false, "needs workq-never and a peer"));
    }
    String t4 = "LAT at 10,000 tasks/s durable: p99 <= 2 ms and <= half RabbitMQ durable's p99";
    Optional<WorkloadResult> lat = lat(results, DURABLE);
    Optional<WorkloadResult> rabbitLat = lat(results, RABBIT_DURABLE);
    if (lat.isPresent() && rabbitLat.isPresent()) {
      double p99 = lat.get().p99() / 1000;
      double rp99 = rabbitLat.get().p99() / 1000;
      boolean reached = lat.get().rate() >= LAT_RATE * 0.95 && lat.get().clean();
      checks.add(new Check(t4, true, reached && p99 <= 2 && p99 <= rp99 / 2, String.format(Locale.ROOT,
          "p99 %.2f ms (achieved %.0f/s) vs RabbitMQ %.2f ms (achieved %.0f/s)", p99, lat.get().rate(), rp99, rabbitLat.get().rate())));
    } else {
      checks.add(new Check(t4, false, false, "needs --lat-rates 10000 with workq-always and rabbitmq-durable"));
    }
    String t5 = "broker memory: 1,000,000 queued 100-byte tasks in <= 400 MB heap; restart (journal replay) under 5 s";
    if (mem != null && mem.tasks() >= 1_000_000) {
      checks.add(new Check(t5, true, mem.heapUsedMb() >= 0 && mem.heapUsedMb() <= 400 && mem.restartSeconds() < 5 && mem.note().isEmpty(),
          String.format(Locale.ROOT, "heap %.0f MiB after GC; restart %.2f s (JVM start included); %d of %d back", mem.heapUsedMb(),
              mem.restartSeconds(), mem.readyAfter(), mem.tasks())));
    } else {
      checks.add(new Check(t5, false, false, mem == null ? "needs --memory-tasks 1000000"
          : String.format(Locale.ROOT, "only %d tasks (heap %.0f MiB, restart %.2f s)", mem.tasks(), mem.heapUsedMb(), mem.restartSeconds())));
    }
    return checks;
  }

  public static String format(List<Check> checks) {
    StringBuilder sb = new StringBuilder("| target | result | figures |\n| --- | --- | --- |\n");
    for (Check c : checks) {
      sb.append("| ").append(c.target()).append(" | ").append(!c.checked() ? "not checked" : c.met() ? "met" : "NOT met")
          .append(" | ").append(c.detail()).append(" |\n");
    }
    return sb.toString();
  }

  private static Optional<WorkloadResult> rt(List<WorkloadResult> results, String system) {
    return results.stream().filter(r -> r.system().equals(system) && r.workload().equals("RT") && r.payload() == 100 && r.tasks() > 0).findFirst();
  }

  private static Optional<WorkloadResult> lat(List<WorkloadResult> results, String system) {
    return results.stream().filter(r -> r.system().equals(system) && r.workload().equals("LAT") && r.targetRate() == LAT_RATE).findFirst();
  }

  private static Optional<WorkloadResult> fastest(List<WorkloadResult> results, List<String> systems) {
    return results.stream().filter(r -> systems.contains(r.system()) && r.workload().equals("RT") && r.payload() == 100 && r.tasks() > 0)
        .max((a, b) -> Double.compare(a.rate(), b.rate()));
  }
}
