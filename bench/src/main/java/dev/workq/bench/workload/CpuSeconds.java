package dev.workq.bench.workload;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU seconds per system and process role, summed over a session's rounds, as the OS reports
 * them: each server or worker process with its descendants (a server script's VM), and the
 * harness JVM itself for the submitter's share. The map is what results.json carries.
 */
public final class CpuSeconds {

  public static final String HARNESS = "harness (submitter)";

  private final Map<String, Map<String, Double>> bySystem = new LinkedHashMap<>();

  /** The harness JVM's CPU time so far, to pass to {@link #add} after a round. */
  public static long harnessNanos() {
    return ownNanos(ProcessHandle.current());
  }

  /**
   * Adds one round of {@code system}: each of {@code processes} (by role) as a whole, and the
   * harness's CPU since {@code harnessNanosBefore}. Returns the system's totals so far.
   */
  public Map<String, Double> add(String system, Map<String, Process> processes, long harnessNanosBefore) {
    Map<String, Double> cpu = bySystem.computeIfAbsent(system, k -> new LinkedHashMap<>());
    processes.forEach((role, p) -> cpu.merge(role, seconds(treeNanos(p.toHandle())), CpuSeconds::sum));
    cpu.merge(HARNESS, seconds(harnessNanos() - harnessNanosBefore), CpuSeconds::sum);
    return cpu;
  }

  /** Every system's totals, in the order they first ran. */
  public Map<String, Map<String, Double>> bySystem() {
    return bySystem;
  }

  private static long treeNanos(ProcessHandle p) {
    long total = ownNanos(p);
    for (ProcessHandle d : p.descendants().toList()) {
      total += ownNanos(d);
    }
    return total;
  }

  private static long ownNanos(ProcessHandle p) {
    return p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  private static Double seconds(long nanos) {
    return Math.round(nanos / 1e8) / 10.0;
  }

  private static Double sum(Double a, Double b) {
    return Math.round((a + b) * 10) / 10.0;
  }
}
