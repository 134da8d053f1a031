package dev.workq.server.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workq.client.ClientOptions;
import dev.workq.client.Delivery;
import dev.workq.client.RemoteException;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.Json;
import dev.workq.server.Broker;
import dev.workq.server.BrokerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The broker's HTTP API and Prometheus endpoint, over real HTTP. */
class HttpApiTest {

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> call(Broker b, String method, String path, String bearer) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + b.httpPort() + path))
        .timeout(Duration.ofSeconds(5)).method(method, HttpRequest.BodyPublishers.noBody());
    if (!method.equals("GET")) {
      // Actions must be non-simple requests (no cross-site form can send one).
      r.header("Content-Type", "application/json");
    }
    if (bearer != null) {
      r.header("Authorization", "Bearer " + bearer);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metricsAndApiReportQueuesAndActionsChangeThem() throws Exception {
    try (Broker b = Broker.start(BrokerOptions.builder().port(0).http(h -> h.port(0)).delivery(d -> d.maxAttempts(1)).build());
        WorkqClient c = WorkqClient.connect(ClientOptions.builder().port(b.port()).build())) {
      for (int i = 0; i < 3; i++) {
        c.put("photos", i);
      }
      HttpResponse<String> metrics = call(b, "GET", "/metrics", null);
      assertEquals(200, metrics.statusCode());
      assertTrue(metrics.body().contains("workq_queue_depth{queue=\"photos\"} 3.0"), metrics.body());
      assertTrue(metrics.body().contains("workq_queue_delivered_total{queue=\"photos\"}"), metrics.body());
      assertTrue(metrics.body().contains("workq_workers_connected"), metrics.body());
      for (String budget : List.of("workq_memory_held_bytes ", "workq_memory_budget_bytes ", "workq_pending_budget_bytes ",
          "workq_queues 1.0", "workq_queues_max 20000.0", "workq_consumers_max ", "workq_refused_total{reason=\"memory\"} 0.0",
          "workq_handshake_connections 0.0", "workq_handshake_evictions_total{reason=\"buffer_budget\"} 0.0")) {
        assertTrue(metrics.body().contains("\n" + budget), budget + " in\n" + metrics.body());
      }

      JsonNode queues = Json.mapper().readTree(call(b, "GET", "/api/queues", null).body());
      assertEquals("photos", queues.get(0).get("name").asText());
      assertEquals(3, queues.get(0).get("ready").asInt());

      assertEquals(200, call(b, "POST", "/api/queues/photos/pause", null).statusCode());
      List<Delivery> got = new CopyOnWriteArrayList<>();
      c.consume("photos", 10, got::add);
      Thread.sleep(200);
      assertEquals(0, got.size(), "a paused queue delivers nothing");
      assertEquals(200, call(b, "POST", "/api/queues/photos/resume", null).statusCode());
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 3);
      assertEquals(404, call(b, "POST", "/api/queues/nope/pause", null).statusCode());

      c.async().enqueue("jobs", "x", 1).get(5, TimeUnit.SECONDS);
      WorkqClient w = WorkqClient.connect(ClientOptions.builder().port(b.port()).build());
      w.consume("jobs", 1, d -> d.fail("java.lang.RuntimeException: no", true, "{}".getBytes(StandardCharsets.UTF_8)));
      await().atMost(Duration.ofSeconds(5)).until(() -> Json.mapper().readTree(call(b, "GET", "/api/dead-letters?queue=jobs", null).body())
          .get("total").asInt() == 1);
      w.close();
      JsonNode requeued = Json.mapper().readTree(call(b, "POST", "/api/dead-letters/requeue?queue=jobs", null).body());
      assertEquals(1, requeued.get("count").asInt());
      assertEquals(400, call(b, "GET", "/api/dead-letters?queue=bad%20name", null).statusCode());
      assertEquals(404, call(b, "GET", "/nothing-here", null).statusCode());
      assertTrue(call(b, "GET", "/", null).body().contains("<title>workq</title>"));
    }
  }

  @Test
  void aQueueIsDeletedOverHttpOnlyWhenForcedWhileItHoldsItems() throws Exception {
    try (Broker b = Broker.start(BrokerOptions.builder().port(0).http(h -> h.port(0)).build());
        WorkqClient c = WorkqClient.connect(ClientOptions.builder().port(b.port()).build())) {
      c.put("old", 1);

      HttpResponse<String> refused = call(b, "DELETE", "/api/queues/old", null);
      assertEquals(409, refused.statusCode());
      assertTrue(refused.body().contains("QUEUE_NOT_EMPTY"), refused.body());
      HttpResponse<String> deleted = call(b, "DELETE", "/api/queues/old?force=true", null);
      assertEquals(200, deleted.statusCode(), deleted.body());
      assertEquals(1, Json.mapper().readTree(deleted.body()).get("removed").asInt());
      assertEquals(404, call(b, "DELETE", "/api/queues/old", null).statusCode());
      assertTrue(b.stats().queues().isEmpty());
    }
  }

  @Test
  void waitAndRetentionBudgetsShowWhatIsHeldTheirCapsTheRefusalAndTheEvictions() throws Exception {
    byte[] record = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
    try (Broker b = Broker.start(BrokerOptions.builder().port(0).http(h -> h.port(0))
            .limits(l -> l.maxWaitsPerConnection(2).maxRetainedResults(3).maxRetainedBytes(1 << 20)).build());
        WorkqClient c = WorkqClient.connect(ClientOptions.builder().port(b.port()).build());
        WorkqClient w = WorkqClient.connect(ClientOptions.builder().port(b.port()).build())) {
      w.consume("jobs", 4, d -> d.complete(record));
      for (int i = 0; i < 5; i++) {
        c.async().enqueue("jobs", "h", i).get(5, TimeUnit.SECONDS);
      }
      String slow = c.async().enqueue("slow", "h", 0).get(5, TimeUnit.SECONDS);
      var waiting = c.async().result(slow, Duration.ofMinutes(1));
      var joining = c.async().join("slow", Duration.ofMinutes(1));
      var refused = c.async().result(slow, Duration.ofMinutes(1));
      RemoteException e = assertInstanceOf(RemoteException.class,
          assertThrows(java.util.concurrent.ExecutionException.class, () -> refused.get(5, TimeUnit.SECONDS)).getCause());
      assertEquals(ErrorCode.WAIT_LIMIT, e.code());

      Map<String, Double> expected = new java.util.LinkedHashMap<>();
      expected.put("workq_waits", 2.0);
      expected.put("workq_waits_per_connection_max", 2.0);
      expected.put("workq_refused_total{reason=\"wait_limit\"}", 1.0);
      expected.put("workq_retained_results", 3.0);
      expected.put("workq_retained_results_max", 3.0);
      expected.put("workq_retained_bytes", 3.0 * (160 + record.length));
      expected.put("workq_retained_budget_bytes", (double) (1 << 20));
      expected.put("workq_retained_evictions_total{reason=\"results_cap\"}", 2.0);
      expected.put("workq_retained_evictions_total{reason=\"bytes_cap\"}", 0.0);
      awaitMetrics(b, expected);

      w.consume("slow", 1, d -> d.complete(record));
      waiting.get(5, TimeUnit.SECONDS);
      joining.get(5, TimeUnit.SECONDS);
      awaitMetrics(b, Map.of("workq_waits", 0.0, "workq_retained_results", 3.0,
          "workq_retained_evictions_total{reason=\"results_cap\"}", 3.0));
    }
  }

  /** Scrapes until each series has its value (a scrape may read a snapshot a moment old), else fails with the last scrape. */
  private void awaitMetrics(Broker b, Map<String, Double> expected) throws Exception {
    String[] last = {""};
    try {
      await().atMost(Duration.ofSeconds(5)).until(() -> {
        last[0] = call(b, "GET", "/metrics", null).body();
        return expected.entrySet().stream().allMatch(x -> BrokerMetersTest.value(last[0], x.getKey()) == x.getValue());
      });
    } catch (org.awaitility.core.ConditionTimeoutException timedOut) {
      for (Map.Entry<String, Double> x : expected.entrySet()) {
        assertEquals(x.getValue(), BrokerMetersTest.value(last[0], x.getKey()), x.getKey() + " in\n" + last[0]);
      }
      throw timedOut;
    }
  }
}
