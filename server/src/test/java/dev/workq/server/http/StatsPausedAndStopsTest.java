package dev.workq.server.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.ClientOptions;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.QueueStats;
import dev.workq.server.Broker;
import dev.workq.server.BrokerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** STATS tells an operator why a queue does not drain: it is paused, or STOPs wait in it. */
class StatsPausedAndStopsTest {

  private static QueueStats queue(Broker b, String name) {
    return b.stats().queues().stream().filter(q -> q.name().equals(name)).findFirst().orElseThrow();
  }

  private static int post(Broker b, String path) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + b.httpPort() + path))
        .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.noBody()).build();
    return HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void aPausedQueueAndItsReadyStopsShowInStatsAndTheCountFollowsDeliveries() throws Exception {
    try (Broker b = Broker.start(BrokerOptions.builder().port(0).http(h -> h.port(0)).build());
        WorkqClient c = WorkqClient.connect(ClientOptions.builder().port(b.port()).build())) {
      c.put("jobs", 1);
      c.stopWorkers("jobs", 2);
      QueueStats before = queue(b, "jobs");
      assertFalse(before.paused());
      assertEquals(2, before.stops());
      assertEquals(3, before.ready());

      assertEquals(200, post(b, "/api/queues/jobs/pause"));
      QueueStats paused = queue(b, "jobs");
      assertTrue(paused.paused());
      assertEquals(2, paused.stops());

      assertEquals(200, post(b, "/api/queues/jobs/resume"));
      assertFalse(queue(b, "jobs").paused());
      // A consumer takes the value, then the first STOP, which ends it: one STOP stays ready.
      c.consume("jobs", 10, d -> d.ack());
      await().atMost(Duration.ofSeconds(5)).until(() -> queue(b, "jobs").ready() == 1);
      assertEquals(1, queue(b, "jobs").stops());
    }
  }
}
