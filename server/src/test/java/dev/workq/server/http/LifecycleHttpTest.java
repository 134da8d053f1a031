package dev.workq.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workq.client.ClientOptions;
import dev.workq.client.RemoteException;
import dev.workq.client.WorkqClient;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP API's task and queue lifecycle over real HTTP: a task's status, cancel, and a queue's
 * purge, peek and close; with the plane's token, Host and Origin rules on every new action.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LifecycleHttpTest {

  private static final String READ = "read-token-0123456789";
  private static final String ADMIN = "admin-token-0123456789";
  private static final List<String[]> ACTIONS = List.of(
      new String[] {"POST", "/api/tasks/some-id/cancel"},
      new String[] {"POST", "/api/queues/tasks/purge"},
      new String[] {"POST", "/api/queues/tasks/purge?deadLetters=true"},
      new String[] {"POST", "/api/queues/tasks/close"});
  private static final List<String[]> READS = List.of(
      new String[] {"GET", "/api/tasks/some-id"},
      new String[] {"GET", "/api/queues/tasks/peek?limit=5"});

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> call(Broker b, String method, String path, String... headers) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + b.httpPort() + path))
        .timeout(Duration.ofSeconds(5)).method(method, HttpRequest.BodyPublishers.noBody());
    if (headers.length > 0) {
      r.headers(headers);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** As the dashboard sends it: JSON, so no cross-site form could have. */
  private HttpResponse<String> json(Broker b, String method, String path) throws Exception {
    return call(b, method, path, "Content-Type", "application/json");
  }

  private static JsonNode body(HttpResponse<String> r) throws Exception {
    return Json.mapper().readTree(r.body());
  }

  private static Broker open() {
    return Broker.start(BrokerOptions.builder().port(0).http(h -> h.port(0)).build());
  }

  @Test
  void actionsNeedTheAdminTokenAndReadsTheReadToken() throws Exception {
    try (Broker b = Broker.start(BrokerOptions.builder().port(0).http(h -> h.port(0)
        .readToken(READ.getBytes(StandardCharsets.UTF_8)).adminToken(ADMIN.getBytes(StandardCharsets.UTF_8))).build())) {
      for (String[] a : ACTIONS) {
        assertEquals(401, call(b, a[0], a[1], "Content-Type", "application/json").statusCode(), a[1]);
        HttpResponse<String> read = call(b, a[0], a[1], "Content-Type", "application/json", "Authorization", "Bearer " + READ);
        assertEquals(403, read.statusCode(), a[1]);
        assertTrue(read.body().contains("needs the admin token"), read.body());
        int admin = call(b, a[0], a[1], "Content-Type", "application/json", "Authorization", "Bearer " + ADMIN).statusCode();
        assertFalse(admin == 401 || admin == 403, a[1] + " with the admin token got " + admin);
      }
      for (String[] r : READS) {
        assertEquals(401, call(b, r[0], r[1]).statusCode(), r[1]);
        int read = call(b, r[0], r[1], "Authorization", "Bearer " + READ).statusCode();
        assertFalse(read == 401 || read == 403, r[1] + " with the read token got " + read);
      }
    }
  }

  @Test
  void actionsFromAnotherOriginOrAsASimpleFormAreRefusedAndChangeNothing() throws Exception {
    try (Broker b = open(); WorkqClient c = WorkqClient.connect(ClientOptions.builder().port(b.port()).build())) {
      c.put("tasks", 1);
      for (String[] a : ACTIONS) {
        HttpResponse<String> cross = call(b, a[0], a[1], "Content-Type", "application/json", "Origin", "http://evil.example");
        assertEquals(403, cross.statusCode(), a[1]);
        assertTrue(cross.body().contains("CROSS_ORIGIN"), cross.body());
        HttpResponse<String> form = call(b, a[0], a[1], "Content-Type", "application/x-www-form-urlencoded");
        assertEquals(415, form.statusCode(), a[1]);
        assertTrue(form.body().contains("NOT_JSON"), form.body());
      }
      // A name rebound to the broker still sends its own Host: refused before anything is read.
      for (String[] a : ACTIONS) {
        String status = rawStatusLine(b, a[0] + " " + a[1] + " HTTP/1.1\r\nHost: evil.example:" + b.httpPort()
            + "\r\nContent-Type: application/json\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        assertEquals("HTTP/1.1 421 Misdirected Request", status, a[1]);
      }
      assertEquals(1, b.stats().queues().get(0).ready(), "nothing was purged");
    }
  }

  /** Sends {@code request} as it is (java.net.http will not send a Host of our choosing) and returns the status line. */
  private static String rawStatusLine(Broker b, String request) throws Exception {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", b.httpPort())) {
      s.setSoTimeout(5000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      return new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }
  }

  @Test
  void badInputIsA400NamingTheField() throws Exception {
    try (Broker b = open()) {
      HttpResponse<String> name = json(b, "POST", "/api/queues/bad%20name/purge");
      assertEquals(400, name.statusCode(), name.body());
      assertTrue(body(name).get("error").asText().contains("queue"), name.body());
      HttpResponse<String> limit = call(b, "GET", "/api/queues/tasks/peek?limit=0");
      assertEquals(400, limit.statusCode());
      assertTrue(body(limit).get("error").asText().contains("limit must be 1..100"), limit.body());
      HttpResponse<String> words = call(b, "GET", "/api/queues/tasks/peek?limit=many");
      assertEquals(400, words.statusCode());
      assertEquals("limit must be a number, got 'many'", body(words).get("error").asText());
      assertEquals(400, call(b, "GET", "/api/tasks/" + "x".repeat(201)).statusCode(), "an id over 200 characters");
      assertEquals(404, call(b, "GET", "/api/tasks/a/b/c").statusCode(), "no such resource");
      assertEquals(404, json(b, "POST", "/api/queues/tasks/explode").statusCode());
    }
  }

  // ---- these need the broker's side of issue 11 (TASK_STATUS, TASK_CANCEL, QUEUE_PURGE/PEEK/CLOSE) ----

  @Test
  void aTaskIsLookedUpAndCancelledByIdAndItsResultSaysSo() throws Exception {
    try (Broker b = open(); WorkqClient c = WorkqClient.connect(ClientOptions.builder().port(b.port()).build())) {
      String id = c.async().enqueue("tasks", "sleep", Map.of("ms", 10)).get(5, TimeUnit.SECONDS);
      HttpResponse<String> ready = call(b, "GET", "/api/tasks/" + id);
      assertEquals(200, ready.statusCode(), ready.body());
      assertEquals("READY", body(ready).get("state").asText());
      assertEquals("tasks", body(ready).get("queue").asText());

      HttpResponse<String> cancel = json(b, "POST", "/api/tasks/" + id + "/cancel");
      assertEquals(200, cancel.statusCode(), cancel.body());
      assertEquals("READY", body(cancel).get("was").asText());
      assertTrue(body(cancel).get("cancelled").asBoolean());
      HttpResponse<String> again = json(b, "POST", "/api/tasks/" + id + "/cancel");
      assertEquals(200, again.statusCode(), again.body());
      assertFalse(body(again).get("cancelled").asBoolean(), "already finished: left as it is");

      JsonNode cancelled = body(call(b, "GET", "/api/tasks/" + id));
      assertEquals("CANCELLED", cancelled.get("state").asText());
      assertFalse(cancelled.get("result").get("ok").asBoolean(), cancelled.toString());
      assertTrue(cancelled.get("result").get("error").asText().startsWith("dev.workq.Cancelled"), cancelled.toString());

      HttpResponse<String> unknown = call(b, "GET", "/api/tasks/no-such-task");
      assertEquals(404, unknown.statusCode());
      assertEquals("NOT_FOUND", body(unknown).get("state").asText());
      assertTrue(body(unknown).get("error").asText().startsWith("UNKNOWN_TASK"), unknown.body());
      HttpResponse<String> cancelUnknown = json(b, "POST", "/api/tasks/no-such-task/cancel");
      assertEquals(404, cancelUnknown.statusCode());
      assertTrue(body(cancelUnknown).get("error").asText().startsWith("UNKNOWN_TASK"), cancelUnknown.body());
    }
  }

  @Test
  void aQueueIsPeekedPurgedAndClosedAndAnUnknownOneIs404() throws Exception {
    try (Broker b = open(); WorkqClient c = WorkqClient.connect(ClientOptions.builder().port(b.port()).build())) {
      for (int i = 0; i < 3; i++) {
        c.async().enqueue("tasks", "echo", Map.of("n", i)).get(5, TimeUnit.SECONDS);
      }
      HttpResponse<String> peek = call(b, "GET", "/api/queues/tasks/peek?limit=2");
      assertEquals(200, peek.statusCode(), peek.body());
      assertEquals(3, body(peek).get("ready").asInt());
      assertEquals(2, body(peek).get("items").size());
      assertTrue(body(peek).get("items").get(0).get("preview").asText().contains("\"n\":0"), peek.body());
      assertEquals(3, b.stats().queues().stream().filter(q -> q.name().equals("tasks")).findFirst().orElseThrow().ready(),
          "a peek takes nothing");

      HttpResponse<String> purge = json(b, "POST", "/api/queues/tasks/purge");
      assertEquals(200, purge.statusCode(), purge.body());
      assertEquals(3, body(purge).get("ready").asInt());
      assertEquals(0, body(purge).get("dead").asInt());

      HttpResponse<String> close = json(b, "POST", "/api/queues/tasks/close");
      assertEquals(200, close.statusCode(), close.body());
      assertTrue(body(close).get("closed").asBoolean());
      assertEquals(0, body(close).get("unfinished").asInt());
      RemoteException refused = assertThrows(RemoteException.class, () -> c.enqueue("tasks", "echo", Map.of("n", 9)));
      assertTrue(refused.getMessage().contains("closed"), refused.getMessage());

      for (String[] a : List.of(new String[] {"POST", "/api/queues/nope/purge"}, new String[] {"POST", "/api/queues/nope/close"},
          new String[] {"GET", "/api/queues/nope/peek"})) {
        HttpResponse<String> r = json(b, a[0], a[1]);
        assertEquals(404, r.statusCode(), a[1] + " " + r.body());
        assertEquals("UNKNOWN_QUEUE: no queue named 'nope'", body(r).get("error").asText());
      }
      assertTrue(b.stats().queues().stream().noneMatch(q -> q.name().equals("nope")), "no typo creates a queue");
    }
  }
}
