package dev.workq.server.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.ClientOptions;
import dev.workq.client.WorkqClient;
import dev.workq.server.Broker;
import dev.workq.server.BrokerOptions;
import dev.workq.server.internal.BrokerMeters;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The meters beside the queues' in {@code /metrics}: the JVM's and the process's, the journal's
 * fsync histogram, the items' round-trip histogram and the broker's start time, over real HTTP.
 */
class BrokerMetersTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path dataDir;

  static String scrape(HttpClient http, Broker b) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + b.httpPort() + "/metrics"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  /** The value of the sample {@code series} (name and labels exactly as printed), or -1 if absent. */
  static double value(String text, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  /** Completes every task of {@code queue} with an ok result, as a worker does. */
  static void work(WorkqClient c, String queue) {
    c.consume(queue, 4, d -> d.complete(("{\"id\":\"" + d.id() + "\",\"ok\":true,\"value\":" + d.payload().utf8()
        + ",\"error\":null,\"worker\":\"test:1\",\"attempts\":" + d.attempts() + ",\"elapsedMs\":0}")
        .getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void jvmAndProcessFamiliesAreInTheScrape() throws Exception {
    try (Broker b = Broker.start(BrokerOptions.builder().port(0).http(h -> h.port(0)).build())) {
      String text = scrape(http, b);
      for (String family : List.of("jvm_memory_used_bytes", "jvm_memory_max_bytes", "jvm_buffer_memory_used_bytes",
          "jvm_buffer_count_buffers", "jvm_buffer_total_capacity_bytes", "jvm_gc_memory_allocated_bytes_total",
          "jvm_threads_live_threads", "jvm_threads_states_threads", "jvm_classes_loaded_classes", "process_cpu_usage",
          "system_cpus", "process_cpu_seconds_total", "process_uptime_seconds", "process_start_time_seconds", "process_files_open_files",
          "process_files_max_files")) {
        assertTrue(text.contains("\n# TYPE " + family + " "), family + " in\n" + text);
      }
      assertTrue(text.contains("jvm_buffer_memory_used_bytes{id=\"direct\"}"), "direct memory, in\n" + text);
    }
  }

  @Test
  void theStartTimeIsTheBrokersInEpochSeconds() throws Exception {
    long before = System.currentTimeMillis();
    try (Broker b = Broker.start(BrokerOptions.builder().port(0).http(h -> h.port(0)).build())) {
      long after = System.currentTimeMillis();
      double started = value(scrape(http, b), "workq_broker_start_time_seconds");
      assertTrue(started >= Math.floor(before / 1000.0) && started <= after / 1000.0 + 1, started + " not in [" + before + ", " + after + "] ms");
    }
  }

  @Test
  void theFsyncHistogramCountsEveryFsyncInItsBuckets() throws Exception {
    try (Broker b = Broker.start(BrokerOptions.builder().port(0).http(h -> h.port(0)).durability(d -> d.dataDir(dataDir)).build());
        WorkqClient c = WorkqClient.connect(ClientOptions.builder().port(b.port()).build())) {
      for (int i = 0; i < 5; i++) {
        c.put("photos", i);
      }
      String text = scrape(http, b);
      double count = value(text, "workq_journal_fsync_seconds_count");
      assertTrue(count >= 5, "at least one fsync per put under the ALWAYS policy, got " + count + " in\n" + text);
      assertEquals(count, value(text, "workq_journal_fsync_seconds_bucket{le=\"+Inf\"}"), text);
      assertTrue(value(text, "workq_journal_fsync_seconds_sum") > 0, text);
      assertTrue(value(text, "workq_journal_fsync_seconds_max") > 0, text);
      assertTrue(text.contains("\n# TYPE workq_journal_fsync_seconds histogram\n"), text);
      int buckets = 0;
      for (String line : text.split("\n")) {
        if (line.startsWith("workq_journal_fsync_seconds_bucket{")) {
          buckets++;
        }
      }
      assertEquals(BrokerMeters.FSYNC_BUCKETS.size() + 1, buckets, "one bucket per bound and +Inf, in\n" + text);
      assertEquals(count, value(text, "workq_journal_fsync_seconds_bucket{le=\"10.0\"}"), "every fsync under 10 s, in\n" + text);
    }
  }

  @Test
  void theRoundTripHistogramCountsACompletedTaskAndAnAckedItem() throws Exception {
    try (Broker b = Broker.start(BrokerOptions.builder().port(0).http(h -> h.port(0)).build());
        WorkqClient c = WorkqClient.connect(ClientOptions.builder().port(b.port()).build());
        WorkqClient w = WorkqClient.connect(ClientOptions.builder().port(b.port()).build())) {
      work(w, "jobs");
      c.tasks().submit("jobs", "h", 7).get(10, TimeUnit.SECONDS);
      c.put("plain", 1);
      assertTrue(c.get("plain", Duration.ofSeconds(5)).isPresent());
      await().atMost(Duration.ofSeconds(5)).until(() -> value(scrape(http, b), "workq_round_trip_seconds_count{kind=\"data\"}") == 1);
      String text = scrape(http, b);
      assertEquals(1, value(text, "workq_round_trip_seconds_count{kind=\"task\"}"), text);
      assertEquals(1, value(text, "workq_round_trip_seconds_bucket{kind=\"task\",le=\"+Inf\"}"), text);
      assertEquals(1, value(text, "workq_round_trip_seconds_bucket{kind=\"task\",le=\"3600.0\"}"), text);
      assertEquals(-1, value(text, "workq_round_trip_seconds_count{kind=\"stop\"}"), "a STOP has no round trip");
      assertTrue(value(text, "workq_round_trip_seconds_sum{kind=\"task\"}") > 0, text);
    }
  }
}
