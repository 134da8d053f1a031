package dev.workq.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workq.client.ClientOptions;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.Json;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP plane as safe as the broker port, over real sockets: HTTPS with its own read and admin
 * tokens (never the authkey), the start refusals, the Host allow-list, CSRF, the security headers
 * and malformed requests.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpSecurityTest {

  static final byte[] KEY = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
  static final String READ = "read-token-0123456789";
  static final String ADMIN = "admin-token-0123456789";

  @TempDir
  Path dir;

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static HttpResponse<String> call(HttpClient http, String base, String method, String path, String bearer) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5))
        .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}"));
    if (!method.equals("GET")) {
      r.header("Content-Type", "application/json");
    }
    if (bearer != null) {
      r.header("Authorization", "Bearer " + bearer);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static SSLContext trusting(Path caPem) throws Exception {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    try (InputStream in = Files.newInputStream(caPem)) {
      ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  private static boolean paused(HttpClient http, String base, String queue, String bearer) throws Exception {
    for (JsonNode q : Json.mapper().readTree(call(http, base, "GET", "/api/queues", bearer).body())) {
      if (q.get("name").asText().equals(queue)) {
        return q.get("paused").asBoolean();
      }
    }
    throw new AssertionError("no queue " + queue);
  }

  /** Reads what the server sends until it closes the connection (bounded by the socket's timeout). */
  private static String readUntilClosed(Socket s) throws java.io.IOException {
    s.setSoTimeout(10_000);
    return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
  }

  /**
   * The HTTP port holds at most --http-max-connections at once, counted before a byte is read:
   * without it, anyone who can reach the port could open connections until the broker ran out of
   * file descriptors or of the 64 KiB each may buffer for a request body.
   */
  @Test
  void connectionsOverTheHttpCapGet503AndOneFreedIsServedAgain() throws Exception {
    try (Broker b = Broker.start(BrokerOptions.builder().port(0).http(h -> h.port(0).maxConnections(2)).build())) {
      String base = "http://127.0.0.1:" + b.httpPort();
      try (Socket first = new Socket("127.0.0.1", b.httpPort()); Socket second = new Socket("127.0.0.1", b.httpPort())) {
        // Until the server has counted the two: a third it let in times out here, and is tried again.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
          try (Socket third = new Socket("127.0.0.1", b.httpPort())) {
            String answer = readUntilClosed(third);
            assertTrue(answer.startsWith("HTTP/1.1 503 "), answer);
            assertTrue(answer.contains("CONNECTION_LIMIT") && answer.contains("--http-max-connections"), answer);
          }
        });
      }
      await("a freed connection makes room").atMost(Duration.ofSeconds(5))
          .until(() -> call(HttpClient.newHttpClient(), base, "GET", "/healthz", null).statusCode() == 200);
    }
  }

  @Test
  void overHttpsTheReadTokenReadsTheAdminTokenActsAndTheAuthkeyIsNoToken() throws Exception {
    TestCerts certs = new TestCerts(dir);
    try (Broker b = Broker.start(BrokerOptions.builder().port(0).authkey(KEY)
            .security(s -> s.tls(certs.brokerCert, certs.brokerKey))
            .http(h -> h.port(0).readToken(utf8(READ)).adminToken(utf8(ADMIN))).build());
        WorkqClient c = WorkqClient.connect(ClientOptions.builder().host("127.0.0.1").port(b.port()).authkey(KEY).tlsCa(certs.caCert).build())) {
      assertTrue(b.httpsEnabled());
      c.put("photos", 1);
      HttpClient https = HttpClient.newBuilder().sslContext(trusting(certs.caCert)).build();
      String base = "https://localhost:" + b.httpPort();

      assertEquals(401, call(https, base, "GET", "/metrics", null).statusCode());
      assertEquals(401, call(https, base, "GET", "/metrics", "wrong-token-0123456789").statusCode());
      HttpResponse<String> withKey = call(https, base, "GET", "/api/queues", new String(KEY, StandardCharsets.UTF_8));
      assertEquals(401, withKey.statusCode(), "the authkey is not an HTTP token");
      assertTrue(withKey.body().contains("not the authkey"), withKey.body());
      assertEquals(200, call(https, base, "GET", "/metrics", READ).statusCode());
      assertEquals(200, call(https, base, "GET", "/metrics", ADMIN).statusCode(), "the admin token also reads");
      assertEquals(200, call(https, base, "GET", "/api/queues", READ).statusCode());
      assertEquals(200, call(https, base, "GET", "/", null).statusCode(), "the page itself holds no data");
      assertEquals(200, call(https, base, "GET", "/healthz", null).statusCode());

      HttpResponse<String> readPause = call(https, base, "POST", "/api/queues/photos/pause", READ);
      assertEquals(403, readPause.statusCode());
      assertTrue(readPause.body().contains("needs the admin token"), readPause.body());
      assertEquals(401, call(https, base, "POST", "/api/queues/photos/pause", new String(KEY, StandardCharsets.UTF_8)).statusCode());
      assertEquals(401, call(https, base, "POST", "/api/queues/photos/pause", null).statusCode());
      assertFalse(paused(https, base, "photos", READ), "no refused request paused the queue");
      assertEquals(200, call(https, base, "POST", "/api/queues/photos/pause", ADMIN).statusCode());
      // The queue list comes from a coalesced snapshot: it shows the pause within a moment.
      await().atMost(Duration.ofSeconds(5)).until(() -> paused(https, base, "photos", READ));
      assertEquals(403, call(https, base, "DELETE", "/api/queues/photos?force=true", READ).statusCode());

      // Plaintext to the HTTPS port gets no answer.
      HttpClient plain = HttpClient.newHttpClient();
      assertThrows(java.io.IOException.class, () -> call(plain, "http://127.0.0.1:" + b.httpPort(), "GET", "/healthz", null));
    }
  }

  /**
   * Every TLS server of the broker speaks TLSv1.3 only, which has no renegotiation: a client that
   * offers only TLSv1.2 (where a client could start one) does not get a session at all.
   */
  @Test
  void noTlsServerOfTheBrokerSpeaksARenegotiableProtocol() throws Exception {
    TestCerts certs = new TestCerts(dir);
    try (Broker b = Broker.start(BrokerOptions.builder().port(0).authkey(KEY).security(s -> s.tls(certs.brokerCert, certs.brokerKey))
        .http(h -> h.port(0).readToken(utf8(READ))).build())) {
      for (int port : new int[] {b.port(), b.httpPort()}) {
        try (SSLSocket tls12 = (SSLSocket) trusting(certs.caCert).getSocketFactory().createSocket("127.0.0.1", port)) {
          tls12.setSoTimeout(5000);
          tls12.setEnabledProtocols(new String[] {"TLSv1.2"});
          assertThrows(javax.net.ssl.SSLException.class, tls12::startHandshake, "port " + port);
        }
        try (SSLSocket tls13 = (SSLSocket) trusting(certs.caCert).getSocketFactory().createSocket("127.0.0.1", port)) {
          tls13.setSoTimeout(5000);
          tls13.startHandshake();
          assertEquals("TLSv1.3", tls13.getSession().getProtocol());
        }
      }
    }
  }

  @Test
  void anHttpPlaneWeakerThanTheBrokerPortDoesNotStart() throws Exception {
    TestCerts certs = new TestCerts(dir);
    BrokerException plaintext = assertThrows(BrokerException.class, () -> Broker.start(BrokerOptions.builder().host("0.0.0.0").port(0)
        .authkey(KEY).http(h -> h.port(0).readToken(utf8(READ))).build()));
    assertTrue(plaintext.getMessage().startsWith("refusing to serve HTTP on 0.0.0.0:0 in plaintext"), plaintext.getMessage());
    BrokerException noTokens = assertThrows(BrokerException.class, () -> Broker.start(BrokerOptions.builder().port(0).authkey(KEY)
        .http(h -> h.port(0)).build()));
    assertTrue(noTokens.getMessage().startsWith("refusing to serve HTTP on 127.0.0.1:0 without tokens: the broker has an authkey"),
        noTokens.getMessage());
    BrokerException exposedNoTokens = assertThrows(BrokerException.class, () -> Broker.start(BrokerOptions.builder().host("0.0.0.0")
        .port(0).authkey(KEY).security(s -> s.tls(certs.brokerCert, certs.brokerKey)).http(h -> h.port(0)).build()));
    assertTrue(exposedNoTokens.getMessage().contains("without tokens: anyone who can reach it"), exposedNoTokens.getMessage());
    BrokerException keyAsToken = assertThrows(BrokerException.class, () -> Broker.start(BrokerOptions.builder().port(0).authkey(KEY)
        .http(h -> h.port(0).adminToken(KEY)).build()));
    assertTrue(keyAsToken.getMessage().startsWith("the HTTP admin token is the authkey"), keyAsToken.getMessage());
    for (BrokerException e : new BrokerException[] {plaintext, noTokens, exposedNoTokens, keyAsToken}) {
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
    // Nothing was left listening or locked: a broker starts right after.
    Broker.start(BrokerOptions.builder().port(0).http(h -> h.port(0)).build()).close();

    assertEquals("httpReadToken must be 16..4096 bytes, got 5 (make one: head -c 32 /dev/urandom | base64 > token && chmod 600 token)",
        assertThrows(IllegalArgumentException.class, () -> HttpOptions.builder().readToken(utf8("short"))).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> HttpOptions.builder().readToken(utf8(READ)).adminToken(utf8(READ)).build())
        .getMessage().startsWith("httpReadToken and httpAdminToken must differ"));
    IllegalArgumentException shortKey = assertThrows(IllegalArgumentException.class,
        () -> BrokerOptions.builder().authkey(utf8("four")));
    assertTrue(shortKey.getMessage().startsWith("authkey has 4 bytes; an authkey needs at least 16"), shortKey.getMessage());
  }

  /** One request on its own connection, written as given; the whole answer, read until the broker closes. */
  static String raw(int port, String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) > 0; ) {
        got.write(buf, 0, n);
      }
      return got.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private static String post(String path, String host, String... headers) {
    return "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n" + String.join("", headers)
        + "Content-Length: 2\r\n\r\n{}";
  }

  @Test
  void otherHostsOtherOriginsAndSimpleRequestsAreRefusedAndNothingRuns() throws Exception {
    try (Broker b = Broker.start(BrokerOptions.builder().port(0).http(h -> h.port(0).allowHost("workq.internal")).build());
        WorkqClient c = WorkqClient.connect(ClientOptions.builder().port(b.port()).build())) {
      c.put("photos", 1);
      int port = b.httpPort();
      String self = "127.0.0.1:" + port;
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://" + self;

      // DNS rebinding: the attacker's name still arrives in the Host header.
      String rebound = raw(port, "GET /api/queues HTTP/1.1\r\nHost: evil.example:" + port + "\r\nConnection: close\r\n\r\n");
      assertTrue(rebound.startsWith("HTTP/1.1 421 "), rebound);
      assertTrue(rebound.contains("does not answer for host 'evil.example:" + port + "'"), rebound);
      assertTrue(raw(port, post("/api/queues/photos/pause", "evil.example", "Content-Type: application/json\r\n")).startsWith("HTTP/1.1 421 "));
      assertTrue(raw(port, "GET /api/queues HTTP/1.0\r\n\r\n").startsWith("HTTP/1.1 421 "), "no Host at all");
      for (String host : new String[] {self, "localhost:" + port, "LOCALHOST", "workq.internal:" + port}) {
        String ok = raw(port, "GET /api/queues HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
        assertTrue(ok.startsWith("HTTP/1.1 200 "), host + ": " + ok);
      }

      // CSRF: another origin, and requests a form or a simple fetch can send.
      String crossOrigin = raw(port, post("/api/queues/photos/pause", self, "Origin: http://evil.example\r\n",
          "Content-Type: application/json\r\n"));
      assertTrue(crossOrigin.startsWith("HTTP/1.1 403 ") && crossOrigin.contains("CROSS_ORIGIN"), crossOrigin);
      assertTrue(raw(port, post("/api/queues/photos/pause", self, "Origin: null\r\n", "Content-Type: application/json\r\n"))
          .startsWith("HTTP/1.1 403 "));
      assertTrue(raw(port, post("/api/queues/photos/pause", self, "Origin: https://" + self + "\r\n", "Content-Type: application/json\r\n"))
          .startsWith("HTTP/1.1 403 "), "the wrong scheme is another origin");
      for (String type : new String[] {"application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x"}) {
        String simple = raw(port, post("/api/queues/photos/pause", self, "Content-Type: " + type + "\r\n"));
        assertTrue(simple.startsWith("HTTP/1.1 415 ") && simple.contains("NOT_JSON"), type + ": " + simple);
      }
      assertTrue(raw(port, post("/api/dead-letters/purge?queue=photos", self)).startsWith("HTTP/1.1 415 "), "no Content-Type");
      assertFalse(paused(http, base, "photos", null), "no refused request paused the queue");

      // The broker's own page's request: same origin, JSON.
      String own = raw(port, post("/api/queues/photos/pause", self, "Origin: http://" + self + "\r\n", "Content-Type: application/json\r\n"));
      assertTrue(own.startsWith("HTTP/1.1 200 "), own);
      await().atMost(Duration.ofSeconds(5)).until(() -> paused(http, base, "photos", null));
      assertTrue(raw(port, post("/api/queues/photos/resume", self, "X-Requested-With: curl\r\n")).startsWith("HTTP/1.1 200 "));
      await().atMost(Duration.ofSeconds(5)).until(() -> !paused(http, base, "photos", null));
    }
  }

  @Test
  void everyAnswerCarriesTheSecurityHeaders() throws Exception {
    try (Broker b = Broker.start(BrokerOptions.builder().port(0).http(h -> h.port(0).readToken(utf8(READ))).build())) {
      int port = b.httpPort();
      String self = "127.0.0.1:" + port;
      for (String request : new String[] {
          "GET / HTTP/1.1\r\nHost: " + self + "\r\nConnection: close\r\n\r\n",
          "GET /api/queues HTTP/1.1\r\nHost: " + self + "\r\nAuthorization: Bearer " + READ + "\r\nConnection: close\r\n\r\n",
          "GET /api/queues HTTP/1.1\r\nHost: " + self + "\r\nConnection: close\r\n\r\n",
          "GET /nothing HTTP/1.1\r\nHost: " + self + "\r\nAuthorization: Bearer " + READ + "\r\nConnection: close\r\n\r\n",
          "GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
          post("/api/queues/q/pause", self, "Content-Type: text/plain\r\n"),
          "GET / HTTP/1.1\r\nHost: " + self + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n"}) {
        String answer = raw(port, request).toLowerCase(java.util.Locale.ROOT);
        String head = answer.substring(0, answer.indexOf("\r\n\r\n"));
        assertTrue(head.contains("\r\ncontent-security-policy: default-src 'self'; frame-ancestors 'none'"), request + "\n" + head);
        assertTrue(head.contains("\r\nx-content-type-options: nosniff"), head);
        assertTrue(head.contains("\r\nreferrer-policy: no-referrer"), head);
      }
    }
  }

  @Test
  void aRequestTheDecoderMarksAsFailedIs400AndIsNotExecuted() throws Exception {
    try (Broker b = Broker.start(BrokerOptions.builder().port(0).http(h -> h.port(0)).build());
        WorkqClient c = WorkqClient.connect(ClientOptions.builder().port(b.port()).build())) {
      c.put("photos", 1);
      int port = b.httpPort();
      String self = "127.0.0.1:" + port;
      // Valid headers, a body that fails to decode: without the guard it would run on its headers.
      String badChunk = raw(port, "POST /api/queues/photos/pause HTTP/1.1\r\nHost: " + self
          + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");
      assertTrue(badChunk.startsWith("HTTP/1.1 400 "), badChunk);
      assertTrue(badChunk.contains("not valid HTTP/1.1; nothing was done"), badChunk);
      String twoLengths = raw(port, "POST /api/queues/photos/pause HTTP/1.1\r\nHost: " + self
          + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}");
      assertTrue(twoLengths.startsWith("HTTP/1.1 400 "), twoLengths);
      assertFalse(paused(HttpClient.newHttpClient(), "http://" + self, "photos", null), "no malformed request paused the queue");
    }
  }
}
