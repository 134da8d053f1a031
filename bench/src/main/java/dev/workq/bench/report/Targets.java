package dev.workq.bench.report;

import dev.workq.bench.workload.DiskProbe;
import dev.workq.bench.workload.MemoryCheck;
import dev.workq.bench.workload.WorkloadResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The issues' speed targets (issue 14's four and memory; issue 11's cost of the task lifecycle
 * against a baseline build; issue 15's replicated workq against NATS JetStream R3), checked against a run's rows (the medians of its
 * repeats). A target whose inputs did not run is reported as "not run", never as met. A workq
 * row only meets a target if it lost, duplicated and failed nothing. Speed is asserted here, by
 * the harness on a real run, never by unit tests.
 */
public final class Targets {

  /** One target: what it says, whether its inputs ran, whether it held, and the figures. */
  public record Check(String target, boolean checked, boolean met, String detail) {}

  static final String DURABLE = "workq fsync=always";
  static final String NON_DURABLE = "workq fsync=never";
  static final List<String> WORKQ = List.of("workq fsync=always", "workq fsync=batch", "workq fsync=never");
  /** Every peer, of any durability. */
  static final List<String> PEERS = List.of("rabbitmq durable", "rabbitmq transient", "redis aof=always", "redis no-aof",
      "nats jetstream", "python mp-managers", "nats jetstream r3");
  static final String CLUSTER = "workq cluster r3";
  static final String CLUSTER_PEER = "nats jetstream r3";
  static final int SMALL = 100;
  static final int LARGE = 65536;
  static final double LAT_RATE = 10_000;
  /** How far above the disk's own fsync p99 the durable LAT p99 may be, in ms. */
  static final double LAT_MARGIN_MS = 1;
  /** The least share of the baseline build's plain round-trip rate a change may keep. */
  static final double BASELINE_SHARE = 0.95;

  private Targets() {}

  public static List<Check> check(List<WorkloadResult> rows, MemoryCheck mem) {
    List<Check> checks = new ArrayList<>();
    checks.add(multipleOfFastestPeer(rows, DURABLE, 2, "workq-always"));
    checks.add(multipleOfFastestPeer(rows, NON_DURABLE, 2.5, "workq-never"));
    checks.add(aheadAtLargePayload(rows));
    checks.add(durableLatency(rows));
    checks.add(memory(mem));
    checks.add(keepsBaselineRate(rows, "always"));
    checks.add(keepsBaselineRate(rows, "never"));
    checks.add(clusterAheadOfReplicatedPeer(rows));
    return checks;
  }

  /** RT 100 B: three-node workq (majority-confirmed puts) ahead of three-replica NATS JetStream. */
  private static Check clusterAheadOfReplicatedPeer(List<WorkloadResult> rows) {
    String target = "RT " + SMALL + " B, replicated workq (workq-cluster) ahead of NATS JetStream R3 (nats-js-r3)";
    Optional<WorkloadResult> w = rt(rows, CLUSTER, SMALL);
    Optional<WorkloadResult> peer = rt(rows, CLUSTER_PEER, SMALL);
    if (w.isEmpty() || peer.isEmpty()) {
      return new Check(target, false, false, "needs workq-cluster and nats-js-r3 at " + SMALL + " B");
    }
    double ratio = w.get().rate() / peer.get().rate();
    return new Check(target, true, w.get().clean() && ratio > 1, String.format(Locale.ROOT, "%.0f vs %.0f tasks/s: %.2fx%s",
        w.get().rate(), peer.get().rate(), ratio, unclean(w.get())));
  }

  /** RT 100 B: this build's workq at {@code fsync} keeps at least 95% of the baseline build's rate. */
  private static Check keepsBaselineRate(List<WorkloadResult> rows, String fsync) {
    String target = String.format(Locale.ROOT, "RT %d B, workq-%s: tasks/s >= %.0f%% of the baseline build's (workq-base-%s)", SMALL,
        fsync, BASELINE_SHARE * 100, fsync);
    Optional<WorkloadResult> now = rt(rows, "workq fsync=" + fsync, SMALL);
    Optional<WorkloadResult> base = rt(rows, "workq baseline fsync=" + fsync, SMALL);
    if (now.isEmpty() || base.isEmpty()) {
      return new Check(target, false, false, "needs workq-" + fsync + " and workq-base-" + fsync + " (--workq-baseline-jar) at " + SMALL
          + " B");
    }
    double share = now.get().rate() / base.get().rate();
    return new Check(target, true, now.get().clean() && share >= BASELINE_SHARE, String.format(Locale.ROOT,
        "%.0f vs baseline %.0f tasks/s: %.1f%%%s", now.get().rate(), base.get().rate(), share * 100, unclean(now.get())));
  }

  /** RT 100 B: {@code system}'s tasks/s at least {@code factor} times the fastest peer's. */
  private static Check multipleOfFastestPeer(List<WorkloadResult> rows, String system, double factor, String flag) {
    String target = String.format(Locale.ROOT, "RT %d B, %s: tasks/s >= %sx the fastest peer (any durability)", SMALL, flag,
        factor == Math.rint(factor) ? String.format(Locale.ROOT, "%.0f", factor) : String.format(Locale.ROOT, "%.1f", factor));
    Optional<WorkloadResult> w = rt(rows, system, SMALL);
    Optional<WorkloadResult> peer = fastest(rows, PEERS, SMALL);
    if (w.isEmpty() || peer.isEmpty()) {
      return new Check(target, false, false, "needs " + flag + " and a peer at " + SMALL + " B");
    }
    double ratio = w.get().rate() / peer.get().rate();
    return new Check(target, true, w.get().clean() && ratio >= factor, String.format(Locale.ROOT,
        "%.0f vs %s %.0f tasks/s: %.2fx%s", w.get().rate(), peer.get().system(), peer.get().rate(), ratio, unclean(w.get())));
  }

  /** RT 64 KiB: every workq variant that ran ahead of every peer that ran. */
  private static Check aheadAtLargePayload(List<WorkloadResult> rows) {
    String target = "RT 64 KiB: every workq variant that ran ahead of every peer";
    Optional<WorkloadResult> peer = fastest(rows, PEERS, LARGE);
    List<WorkloadResult> ours = WORKQ.stream().map(s -> rt(rows, s, LARGE)).flatMap(Optional::stream).toList();
    if (ours.isEmpty() || peer.isEmpty()) {
      return new Check(target, false, false, "needs --payloads " + LARGE + " with a workq system and a peer");
    }
    boolean met = true;
    List<String> figures = new ArrayList<>();
    for (WorkloadResult w : ours) {
      met &= w.clean() && w.rate() > peer.get().rate();
      figures.add(String.format(Locale.ROOT, "%s %.0f%s", w.system(), w.rate(), unclean(w)));
    }
    return new Check(target, true, met, String.join(", ", figures) + String.format(Locale.ROOT, " vs fastest peer %s %.0f tasks/s",
        peer.get().system(), peer.get().rate()));
  }

  /** LAT at 10,000/s, workq-always: p99 within 1 ms of the disk's fsync p99 measured in this run. */
  private static Check durableLatency(List<WorkloadResult> rows) {
    String target = String.format(Locale.ROOT, "LAT at %.0f tasks/s, workq-always: p99 <= this run's disk fsync p99 + %.0f ms",
        LAT_RATE, LAT_MARGIN_MS);
    Optional<WorkloadResult> lat = rows.stream().filter(r -> r.system().equals(DURABLE) && r.workload().equals("LAT")
        && r.targetRate() == LAT_RATE).findFirst();
    Optional<WorkloadResult> disk = rows.stream().filter(r -> r.system().equals(DiskProbe.SYSTEM) && r.tasks() > 0).findFirst();
    if (lat.isEmpty() || disk.isEmpty()) {
      return new Check(target, false, false, "needs --lat-rates 10000 with workq-always, and the disk probe");
    }
    double p99 = lat.get().p99() / 1000;
    double limit = disk.get().p99() / 1000 + LAT_MARGIN_MS;
    // A run that could not keep the rate has no meaningful p99 at it.
    boolean reached = lat.get().rate() >= LAT_RATE * 0.95;
    return new Check(target, true, reached && lat.get().clean() && p99 <= limit, String.format(Locale.ROOT,
        "p99 %.2f ms (achieved %.0f/s) vs disk fsync p99 %.2f ms + %.0f = %.2f ms%s", p99, lat.get().rate(), disk.get().p99() / 1000,
        LAT_MARGIN_MS, limit, unclean(lat.get())));
  }

  private static Check memory(MemoryCheck mem) {
    String target = "broker memory: 1,000,000 queued 100-byte tasks in <= 400 MB heap; restart (journal replay) under 5 s";
    if (mem != null && mem.tasks() >= 1_000_000) {
      return new Check(target, true, mem.heapUsedMb() >= 0 && mem.heapUsedMb() <= 400 && mem.restartSeconds() < 5 && mem.note().isEmpty(),
          String.format(Locale.ROOT, "heap %.0f MiB after GC; restart %.2f s (JVM start included); %d of %d back", mem.heapUsedMb(),
              mem.restartSeconds(), mem.readyAfter(), mem.tasks()));
    }
    return new Check(target, false, false, mem == null ? "needs --memory-tasks 1000000"
        : String.format(Locale.ROOT, "only %d tasks (heap %.0f MiB, restart %.2f s)", mem.tasks(), mem.heapUsedMb(), mem.restartSeconds()));
  }

  public static String format(List<Check> checks) {
    StringBuilder sb = new StringBuilder("| target | result | figures |\n| --- | --- | --- |\n");
    for (Check c : checks) {
      sb.append("| ").append(c.target()).append(" | ").append(!c.checked() ? "not run" : c.met() ? "met" : "NOT met")
          .append(" | ").append(c.detail()).append(" |\n");
    }
    return sb.toString();
  }

  private static String unclean(WorkloadResult r) {
    return r.clean() ? "" : String.format(Locale.ROOT, " (%s lost %d, dup %d, err %d)", r.system(), r.lost(), r.duplicates(), r.errors());
  }

  private static Optional<WorkloadResult> rt(List<WorkloadResult> rows, String system, int payload) {
    return rows.stream().filter(r -> r.system().equals(system) && r.workload().equals("RT") && r.payload() == payload && r.tasks() > 0)
        .findFirst();
  }

  private static Optional<WorkloadResult> fastest(List<WorkloadResult> rows, List<String> systems, int payload) {
    return rows.stream().filter(r -> systems.contains(r.system()) && r.workload().equals("RT") && r.payload() == payload && r.tasks() > 0)
        .max((a, b) -> Double.compare(a.rate(), b.rate()));
  }
}
