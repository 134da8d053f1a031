package dev.workq.cli.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workq.client.ClientOptions;
import dev.workq.client.QueueItem;
import dev.workq.client.TaskResult;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cancelling a running task, with a real worker JVM: the worker (one slot) runs a one-minute
 * {@code sleep}; the task is cancelled through the broker's HTTP API (TASK_CANCEL inside); the
 * worker stops it at once, sends nothing for it, and its slot takes the next task. The submitter's
 * done queue gets the "cancelled" result from the broker. Bounds are generous (a loaded 2-core
 * machine) but well under the sleep and the worker's 10 s cancel grace, so stopping "at once" is
 * what makes it pass.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CancelRunningProcessTest {

  @TempDir
  Path dataDir;

  private final WorkerProcesses workers = new WorkerProcesses();
  private BrokerProcess broker;

  @AfterEach
  void stop() throws Exception {
    workers.close();
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void aCancelledSleepStopsAtOnceAndTheWorkerTakesTheNextTask() throws Exception {
    broker = BrokerProcess.start(freePort(), dataDir, "--in-memory", "--http-port", "0");
    Process w = workers.start(broker.address(), "--concurrency", "1", "--prefetch", "1");
    await().atMost(Duration.ofSeconds(60)).until(() -> workers.log(w).contains("taking tasks from 'tasks'") || !w.isAlive());
    try (WorkqClient client = WorkqClient.connect(ClientOptions.builder().address(broker.address()).build())) {
      String id = client.async().enqueue("tasks", "sleep", Map.of("ms", 60_000)).get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> "RUNNING".equals(status(id).path("state").asText()));
      assertTrue(status(id).path("worker").asText().contains(":" + w.pid()), status(id).toString());

      long cancelledAt = System.nanoTime();
      HttpResponse<String> cancel = post("/api/tasks/" + id + "/cancel");
      assertEquals(200, cancel.statusCode(), cancel.body());
      assertEquals("RUNNING", Json.mapper().readTree(cancel.body()).get("was").asText());

      // The slot is free at once: a task submitted now runs on the same one-slot worker.
      TaskResult next = client.tasks().submit("tasks", "echo", Map.of("n", 1)).get(30, TimeUnit.SECONDS);
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cancelledAt);
      assertTrue(next.ok(), next.error());
      assertTrue(tookMs < 8_000, "the next task finished " + tookMs + " ms after the cancel: the sleep was not stopped at once");

      Optional<QueueItem> result = client.get("tasks.done", Duration.ofSeconds(10));
      assertTrue(result.isPresent(), "the cancelled task's result on its done queue");
      JsonNode record = Json.mapper().readTree(result.get().payload().bytes());
      assertEquals(id, record.get("id").asText());
      assertFalse(record.get("ok").asBoolean());
      assertTrue(record.get("error").asText().startsWith("dev.workq.Cancelled"), record.toString());
      assertEquals("CANCELLED", status(id).path("state").asText());

      String log = workers.log(w);
      assertTrue(log.contains("task " + id + " was cancelled; stopping its handler"), log);
      assertFalse(log.contains("abandoning"), "the sleep stopped within the grace:\n" + log);
      assertFalse(log.contains("UNKNOWN_DELIVERY"), "the worker sent nothing for the revoked delivery:\n" + log);
      assertTrue(w.isAlive(), log);
    }
  }

  @Test
  void aHandlerThatIgnoresItsCancelIsAbandonedAfterTheGraceAndItsSlotRunsTheNextTask() throws Exception {
    broker = BrokerProcess.start(freePort(), dataDir, "--in-memory", "--http-port", "0");
    Process w = workers.start(broker.address(), "--concurrency", "1", "--prefetch", "1", "--cancel-grace", "2");
    await().atMost(Duration.ofSeconds(60)).until(() -> workers.log(w).contains("taking tasks from 'tasks'") || !w.isAlive());
    try (WorkqClient client = WorkqClient.connect(ClientOptions.builder().address(broker.address()).build())) {
      String id = client.async().enqueue("tasks", "stubborn", Map.of("ms", 120_000)).get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> "RUNNING".equals(status(id).path("state").asText()));
      long cancelledAt = System.nanoTime();
      assertEquals(200, post("/api/tasks/" + id + "/cancel").statusCode());

      TaskResult next = client.tasks().submit("tasks", "echo", Map.of("n", 2)).get(60, TimeUnit.SECONDS);
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cancelledAt);
      assertTrue(next.ok(), next.error());
      assertTrue(tookMs >= 1_500, "the slot was given away after " + tookMs + " ms, before the 2 s grace");
      assertTrue(tookMs < 30_000, "the slot came back " + tookMs + " ms after the cancel, long after the 2 s grace");
      String log = workers.log(w);
      assertTrue(log.contains("handler 'stubborn' of cancelled task " + id + " still runs 2000 ms after its cancel; abandoning it"), log);
      assertFalse(log.contains("UNKNOWN_DELIVERY"), log);

      // A STOP is not held up by the abandoned handler, which would run for two minutes.
      long stopAt = System.nanoTime();
      client.stopWorkers("tasks", 1);
      assertEquals(0, workers.awaitExit(w, 60), workers.log(w));
      assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stopAt) < 60, "exited soon after its STOP");
    }
  }

  private JsonNode status(String id) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + broker.httpPort() + "/api/tasks/" + id)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    return Json.mapper().readTree(r.body());
  }

  private HttpResponse<String> post(String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + broker.httpPort() + path))
        .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
