package dev.workq.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.ClientOptions;
import dev.workq.client.WorkqClient;
import dev.workq.server.Broker;
import dev.workq.server.BrokerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * /metrics at 20,000 queues while tasks flow on another queue: every queue is in every scrape and
 * the core keeps serving meanwhile (the scrape is encoded off the core thread). Speed itself is
 * measured by hand, not asserted here.
 */
class MetricsAtScaleTest {

  private static final int QUEUES = 20_000;
  private static final int SCRAPES = 5;

  @Test
  void scrapesEveryQueueWhileTheCoreKeepsServing() throws Exception {
    try (Broker b = Broker.start(BrokerOptions.builder().port(0).http(h -> h.port(0)).limits(l -> l.maxQueues(25_000).maxQueuesPerConnection(25_000)).build());
        WorkqClient creator = WorkqClient.connect(ClientOptions.builder().port(b.port()).build());
        WorkqClient producer = WorkqClient.connect(ClientOptions.builder().port(b.port()).build());
        WorkqClient consumer = WorkqClient.connect(ClientOptions.builder().port(b.port()).build())) {
      for (int i = 0; i < QUEUES; i += 1000) {
        List<CompletableFuture<String>> puts = new ArrayList<>();
        for (int j = i; j < i + 1000; j++) {
          puts.add(creator.async().put("q-" + j, j));
        }
        CompletableFuture.allOf(puts.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
      }
      AtomicLong consumed = new AtomicLong();
      consumer.consume("work", 16, d -> {
        d.ack();
        consumed.incrementAndGet();
      });
      AtomicBoolean stop = new AtomicBoolean();
      Thread submitter = new Thread(() -> {
        while (!stop.get()) {
          producer.put("work", 1);
        }
      }, "test-submitter");
      submitter.start();
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + b.httpPort() + "/metrics"))
          .timeout(Duration.ofMinutes(2)).build();
      long consumedDuringScrapes = 0;
      try {
        for (int k = 0; k < SCRAPES; k++) {
          long before = consumed.get();
          HttpResponse<String> r = http.send(scrape, HttpResponse.BodyHandlers.ofString());
          consumedDuringScrapes += consumed.get() - before;
          assertEquals(200, r.statusCode());
          String body = r.body();
          assertEquals(QUEUES, count(body, "\nworkq_queue_depth{queue=\"q-"), "every queue in scrape " + k);
          assertEquals(QUEUES, count(body, "\nworkq_queue_lease_expiries_total{queue=\"q-"), "every queue in scrape " + k);
          assertTrue(body.contains("\nworkq_queue_depth{queue=\"q-0\"} 1.0\n"));
          assertTrue(body.contains("\nworkq_queue_depth{queue=\"q-19999\"} 1.0\n"));
          assertTrue(body.contains("\nworkq_queue_completed_total{queue=\"work\"} "), "the busy queue too");
          assertEquals(1, count(body, "# TYPE workq_queue_depth gauge\n"));
        }
      } finally {
        stop.set(true);
        submitter.join(10_000);
      }
      // Before, the core encoded the scrape itself and served nothing for its whole length.
      assertTrue(consumedDuringScrapes > 0, "tasks were consumed while scrapes were in progress");
    }
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
