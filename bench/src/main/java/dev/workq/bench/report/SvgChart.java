package dev.workq.bench.report;

import dev.workq.bench.workload.WorkloadResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Two horizontal bar charts in one SVG, one bar per system: RT throughput (tasks/s) and RT p99
 * (ms), both at one payload size. Written directly, so no plotting tool is needed.
 */
public final class SvgChart {

  private SvgChart() {}

  public static String render(List<WorkloadResult> results, int payload, String subtitle) {
    List<WorkloadResult> rows = new ArrayList<>();
    for (WorkloadResult r : results) {
      if (r.workload().equals("RT") && r.payload() == payload) {
        rows.add(r);
      }
    }
    int label = 190;
    int barMax = 330;
    int panel = label + barMax + 90;
    int rowH = 22;
    int top = 64;
    int height = top + rows.size() * rowH + 30;
    int width = panel * 2 + 20;
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", width, height));
    sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
    sb.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">RT workload, %d-byte payloads</text>%n", payload));
    sb.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"38\" fill=\"#555\">%s</text>%n", escape(subtitle)));
    panel(sb, rows, 0, label, barMax, top, rowH, "throughput, tasks/s (longer is better)", true);
    panel(sb, rows, panel + 20, label, barMax, top, rowH, "p99 round trip, ms (shorter is better)", false);
    sb.append("</svg>\n");
    return sb.toString();
  }

  private static void panel(StringBuilder sb, List<WorkloadResult> rows, int x0, int label, int barMax, int top, int rowH,
      String title, boolean throughput) {
    double max = 0;
    for (WorkloadResult r : rows) {
      max = Math.max(max, throughput ? r.rate() : r.p99() / 1000);
    }
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>%n", x0 + 10, top - 8, escape(title)));
    for (int i = 0; i < rows.size(); i++) {
      WorkloadResult r = rows.get(i);
      double v = throughput ? r.rate() : r.p99() / 1000;
      int y = top + i * rowH;
      int w = max <= 0 ? 0 : (int) Math.round(barMax * v / max);
      String color = r.system().startsWith("workq") ? "#2b6cb0" : "#a0aec0";
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", x0 + label - 6, y + 15, escape(r.system())));
      sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n", x0 + label, y + 3, Math.max(w, 1), rowH - 6, color));
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s%s</text>%n", x0 + label + w + 4, y + 15,
          throughput ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v), r.clean() ? "" : " (!)"));
    }
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
