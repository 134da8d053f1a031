package dev.workq.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.workq.bench.workload.WorkloadResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a session's results: one table (Markdown), results.json (the rows, and every measured
 * run they summarise), results.csv. A row's tasks/s and p99 are medians over its runs, each
 * shown with the runs' range (min..max).
 */
public final class Report {

  private Report() {}

  /** The one table: a row per run. */
  public static String table(List<WorkloadResult> results) {
    StringBuilder sb = new StringBuilder();
    sb.append("| system | workload | payload B | tasks | target/s | runs | tasks/s | tasks/s min..max | p50 ms | p99 ms "
        + "| p99 min..max ms | p99.9 ms | max ms | lost | dup | err | note |\n");
    sb.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
    for (WorkloadResult r : results) {
      sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %s | %d | %.0f | %.0f..%.0f | %.2f | %.2f | %.2f..%.2f | %.2f | %.2f "
          + "| %d | %d | %d | %s |%n",
          r.system(), r.workload(), r.payload(), r.tasks(), r.targetRate() == 0 ? "-" : String.format(Locale.ROOT, "%.0f", r.targetRate()),
          r.spread().runs(), r.rate(), r.spread().rateMin(), r.spread().rateMax(), r.p50() / 1000, r.p99() / 1000,
          r.spread().p99Min() / 1000, r.spread().p99Max() / 1000, r.p999() / 1000, r.max() / 1000, r.lost(), r.duplicates(), r.errors(),
          r.note().replace('|', '/')));
    }
    return sb.toString();
  }

  /** Writes results.json, results.csv and table.md into {@code dir}: the rows, and in results.json also every run. */
  public static void write(Path dir, Map<String, Object> environment, List<WorkloadResult> results, List<WorkloadResult> runs)
      throws IOException {
    Files.createDirectories(dir);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("environment", environment);
    doc.put("results", results);
    doc.put("runs", runs);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("results.json").toFile(), doc);
    StringBuilder csv = new StringBuilder("system,workload,payload,tasks,target_rate,rate,p50_us,p99_us,p999_us,max_us,lost,duplicates,"
        + "errors,seconds,note,runs,rate_min,rate_max,p99_min_us,p99_max_us\n");
    for (WorkloadResult r : results) {
      csv.append(String.format(Locale.ROOT, "\"%s\",%s,%d,%d,%.0f,%.1f,%.1f,%.1f,%.1f,%.1f,%d,%d,%d,%.2f,\"%s\",%d,%.1f,%.1f,%.1f,%.1f%n",
          r.system(), r.workload(), r.payload(), r.tasks(), r.targetRate(), r.rate(), r.p50(), r.p99(), r.p999(), r.max(), r.lost(),
          r.duplicates(), r.errors(), r.seconds(), r.note().replace('"', '\''), r.spread().runs(), r.spread().rateMin(),
          r.spread().rateMax(), r.spread().p99Min(), r.spread().p99Max()));
    }
    Files.writeString(dir.resolve("results.csv"), csv);
    Files.writeString(dir.resolve("table.md"), table(results));
  }
}
