package dev.workq.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.workq.client.ClientOptions;
import dev.workq.client.WorkqClient;
import dev.workq.server.Broker;
import dev.workq.server.BrokerOptions;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real scrape passes {@code promtool check metrics} (Prometheus' own parser and linter: counter
 * names, units, help texts, reserved suffixes). promtool comes with Debian's {@code prometheus}
 * package, which {@code .ci/run} installs: without it this test fails under {@code CI=true} and is
 * skipped elsewhere.
 */
class PromtoolCheckTest {

  @TempDir
  Path dataDir;

  @Test
  void aScrapeOfABrokerThatRanTasksPassesPromtoolCheckMetrics() throws Exception {
    Path promtool = promtool();
    HttpClient http = HttpClient.newHttpClient();
    try (Broker b = Broker.start(BrokerOptions.builder().port(0).http(h -> h.port(0)).durability(d -> d.dataDir(dataDir)).delivery(d -> d.maxAttempts(1)).build());
        WorkqClient c = WorkqClient.connect(ClientOptions.builder().port(b.port()).build());
        WorkqClient w = WorkqClient.connect(ClientOptions.builder().port(b.port()).build())) {
      BrokerMetersTest.work(w, "jobs");
      for (int i = 0; i < 5; i++) {
        c.tasks().submit("jobs", "h", i).get(10, TimeUnit.SECONDS);
      }
      c.put("photos", 1);
      c.put("images:small.v-2", 2);
      c.put("plain", 3);
      c.get("plain", Duration.ofSeconds(5));
      String text = BrokerMetersTest.scrape(http, b);
      assertTrue(text.contains("workq_journal_fsync_seconds_bucket{"), "fsync buckets in\n" + text);
      assertTrue(text.contains("workq_round_trip_seconds_bucket{kind=\"task\""), "round-trip buckets in\n" + text);
      assertTrue(text.contains("workq_queue_depth{queue=\"photos\"}"), text);

      Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
      CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
      try (OutputStream stdin = p.getOutputStream()) {
        stdin.write(text.getBytes(StandardCharsets.UTF_8));
      }
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("promtool check metrics did not finish in 60 s");
      }
      String said = new String(output.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
      assertEquals("", said.strip(), "promtool check metrics found problems in\n" + text);
      assertEquals(0, p.exitValue(), "promtool check metrics exit status; it said: " + said);
    }
  }

  /** promtool on the PATH; fails under CI=true without it, skips otherwise. */
  private static Path promtool() {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        Path candidate = Path.of(dir.isEmpty() ? "." : dir, "promtool");
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    String why = "promtool is not on the PATH (install Debian's prometheus package, as .ci/run does)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(why + ", and CI=true: the scrape must be checked in CI");
    }
    Assumptions.abort(why);
    return null;
  }

  private static byte[] readAll(InputStream in) {
    try (in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toByteArray();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
