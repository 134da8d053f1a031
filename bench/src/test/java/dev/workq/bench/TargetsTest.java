package dev.workq.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.bench.report.Targets;
import dev.workq.bench.workload.DiskProbe;
import dev.workq.bench.workload.WorkloadResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetsTest {

  private static WorkloadResult rt(String system, int payload, double rate) {
    return new WorkloadResult(system, "RT", payload, 100, 0, rate, 1000, 2000, 3000, 4000, 0, 0, 0, 1, "");
  }

  private static WorkloadResult lat(String system, double p99Micros) {
    return new WorkloadResult(system, "LAT", 100, 50_000, 10_000, 9990, 500, p99Micros, 3000, 4000, 0, 0, 0, 5, "");
  }

  private static WorkloadResult disk(double p99Micros) {
    return new WorkloadResult(DiskProbe.SYSTEM, DiskProbe.WORKLOAD, DiskProbe.RECORD_BYTES, 2000, 0, 500, 800, p99Micros, 0, 0, 0,
        0, 0, 4, "");
  }

  @Test
  void targetsWhoseInputsDidNotRunAreNotRunNotMet() {
    List<Targets.Check> checks = Targets.check(List.of(rt("workq fsync=always", 100, 50_000)), null);
    assertTrue(checks.stream().noneMatch(Targets.Check::checked), checks.toString());
    assertTrue(Targets.format(checks).contains("not run"));
  }

  @Test
  void comparesWithTheFastestPeerOfAnyDurabilityAndTheDiskProbeOfTheRun() {
    List<WorkloadResult> rows = List.of(rt("workq fsync=always", 100, 53_000), rt("workq fsync=never", 100, 60_000),
        rt("rabbitmq durable", 100, 10_000), rt("nats jetstream", 100, 26_000), rt("workq fsync=always", 65536, 900),
        rt("workq fsync=never", 65536, 1100), rt("redis no-aof", 65536, 1000), lat("workq fsync=always", 2500), disk(1600));
    List<Targets.Check> checks = Targets.check(rows, null);
    assertTrue(checks.get(0).met(), checks.get(0).toString());
    assertFalse(checks.get(1).met(), "60,000 is 2.3x nats's 26,000: " + checks.get(1));
    assertFalse(checks.get(2).met(), "workq always is behind redis at 64 KiB: " + checks.get(2));
    assertTrue(checks.get(3).met(), "2.5 ms <= 1.6 + 1 ms: " + checks.get(3));
    assertEquals(false, checks.get(4).checked());
  }

  @Test
  void theLifecycleCostIsTheRateKeptAgainstTheBaselineBuild() {
    List<WorkloadResult> rows = List.of(rt("workq fsync=always", 100, 96_000), rt("workq baseline fsync=always", 100, 100_000),
        rt("workq fsync=never", 100, 90_000), rt("workq baseline fsync=never", 100, 100_000));
    List<Targets.Check> checks = Targets.check(rows, null);
    Targets.Check always = checks.get(5);
    Targets.Check never = checks.get(6);
    assertTrue(always.checked() && always.met(), "96% of the baseline: " + always);
    assertTrue(never.checked() && !never.met(), "90% of the baseline: " + never);
    assertTrue(never.detail().contains("90.0%"), never.detail());
  }

  @Test
  void theReplicatedRowIsComparedWithNatsR3Only() {
    List<WorkloadResult> rows = List.of(rt("workq cluster r3", 100, 9_000), rt("nats jetstream r3", 100, 6_000),
        rt("nats jetstream", 100, 30_000));
    Targets.Check cluster = Targets.check(rows, null).get(7);
    assertTrue(cluster.checked() && cluster.met(), "9,000 vs R3's 6,000, not single-node NATS's 30,000: " + cluster);
    assertTrue(cluster.detail().contains("1.50x"), cluster.detail());
    Targets.Check behind = Targets.check(List.of(rt("workq cluster r3", 100, 5_000), rt("nats jetstream r3", 100, 6_000)), null).get(7);
    assertTrue(behind.checked() && !behind.met(), behind.toString());
  }
}
