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

/** Writes a run's results: one table (Markdown), results.json, results.csv. */
public final class Report {

  private Report() {}

  /** The one table: a row per run. */
  public static String table(List<WorkloadResult> results) {
    StringBuilder sb = new StringBuilder();
    sb.append("| system | workload | payload B | tasks | target/s | tasks/s | p50 ms | p99 ms | p99.9 ms | max ms | lost | dup | err | note |\n");
    sb.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
    for (WorkloadResult r : results) {
      sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %s | %.0f | %.2f | %.2f | %.2f | %.2f | %d | %d | %d | %s |%n",
          r.system(), r.workload(), r.payload(), r.tasks(), r.targetRate() == 0 ? "-" : String.format(Locale.ROOT, "%.0f", r.targetRate()),
          r.rate(), r.p50() / 1000, r.p99() / 1000, r.p999() / 1000, r.max() / 1000, r.lost(), r.duplicates(), r.errors(),
          r.note().replace('|', '/')));
    }
    return sb.toString();
  }

  /** Writes results.json, results.csv and table.md into {@code dir}. */
  public static void write(Path dir, Map<String, Object> environment, List<WorkloadResult> results) throws IOException {
    Files.createDirectories(dir);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("environment", environment);
    doc.put("results", results);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("results.json").toFile(), doc);
    StringBuilder csv = new StringBuilder("system,workload,payload,tasks,target_rate,rate,p50_us,p99_us,p999_us,max_us,lost,duplicates,errors,seconds,note\n");
    for (WorkloadResult r : results) {
      csv.append(String.format(Locale.ROOT, "\"%s\",%s,%d,%d,%.0f,%.1f,%.1f,%.1f,%.1f,%.1f,%d,%d,%d,%.2f,\"%s\"%n", r.system(), r.workload(),
          r.payload(), r.tasks(), r.targetRate(), r.rate(), r.p50(), r.p99(), r.p999(), r.max(), r.lost(), r.duplicates(),
          r.errors(), r.seconds(), r.note().replace('"', '\'')));
    }
    Files.writeString(dir.resolve("results.csv"), csv);
    Files.writeString(dir.resolve("table.md"), table(results));
  }
}
