package dev.workq.bench.report;

import dev.workq.bench.workload.Spread;
import dev.workq.bench.workload.WorkloadResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Folds the runs of an interleaved, repeated session into the table's rows: one row per system,
 * workload, payload size and target rate, in the order the rows first ran. Each figure of a row
 * (tasks/s, p50, p99, p99.9, max) is the median of that figure over the row's runs, so one slow
 * or fast round does not decide it; the spread keeps the range of tasks/s and p99; lost,
 * duplicate and error counts are summed, so that a bad repeat still shows.
 */
public final class Repeats {

  private Repeats() {}

  /** The rows for {@code runs}, each run belonging to the row of its system, workload, payload and target rate. */
  public static List<WorkloadResult> summarise(List<WorkloadResult> runs) {
    Map<String, List<WorkloadResult>> byRow = new LinkedHashMap<>();
    for (WorkloadResult r : runs) {
      String key = r.system() + "|" + r.workload() + "|" + r.payload() + "|" + Math.round(r.targetRate());
      byRow.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
    }
    List<WorkloadResult> rows = new ArrayList<>();
    for (List<WorkloadResult> tries : byRow.values()) {
      rows.add(median(tries));
    }
    return rows;
  }

  /** One row from the runs of one row. */
  public static WorkloadResult median(List<WorkloadResult> tries) {
    if (tries.size() == 1) {
      return tries.get(0);
    }
    List<WorkloadResult> byRate = new ArrayList<>(tries);
    byRate.sort((a, b) -> Double.compare(a.rate(), b.rate()));
    // Counts and the target come from the run with the median rate; every figure is a median of its own.
    WorkloadResult m = byRate.get(byRate.size() / 2);
    long lost = 0;
    long dup = 0;
    long err = 0;
    StringBuilder rates = new StringBuilder();
    StringBuilder p99s = new StringBuilder();
    Set<String> notes = new LinkedHashSet<>();
    for (WorkloadResult t : tries) {
      lost += t.lost();
      dup += t.duplicates();
      err += t.errors();
      rates.append(String.format(Locale.ROOT, " %.0f", t.rate()));
      p99s.append(String.format(Locale.ROOT, " %.2f", t.p99() / 1000));
      if (!t.note().isEmpty()) {
        notes.add(t.note());
      }
    }
    String note = "median of " + tries.size() + " runs (tasks/s:" + rates + "; p99 ms:" + p99s + ")";
    if (!notes.isEmpty()) {
      note += "; " + String.join("; ", notes);
    }
    double[] rate = figures(tries, WorkloadResult::rate);
    double[] p99 = figures(tries, WorkloadResult::p99);
    return new WorkloadResult(m.system(), m.workload(), m.payload(), m.tasks(), m.targetRate(), median(rate),
        median(figures(tries, WorkloadResult::p50)), median(p99), median(figures(tries, WorkloadResult::p999)),
        median(figures(tries, WorkloadResult::max)), lost, dup, err, m.seconds(), note,
        new Spread(tries.size(), rate[0], rate[rate.length - 1], p99[0], p99[p99.length - 1]));
  }

  private static double[] figures(List<WorkloadResult> tries, java.util.function.ToDoubleFunction<WorkloadResult> f) {
    double[] v = tries.stream().mapToDouble(f).toArray();
    Arrays.sort(v);
    return v;
  }

  /** The median of sorted {@code v}: the middle value, or the mean of the two middle ones. */
  static double median(double[] v) {
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
