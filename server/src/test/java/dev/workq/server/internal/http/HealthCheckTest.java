package dev.workq.server.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.server.HttpOptions;
import dev.workq.server.internal.BrokerMeters;
import dev.workq.server.internal.core.BrokerCore;
import dev.workq.server.internal.core.CoreConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code /healthz}: serving while the core answers, 503 when it is stuck or stopped, never behind the token. */
class HealthCheckTest {

  private static final byte[] KEY = "s3cret-key-for-tests".getBytes(StandardCharsets.UTF_8);

  private static HttpResponse<String> get(HttpServer server, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The HTTP plane with {@code token} as its read token (none when null), answering for 127.0.0.1. */
  private static HttpAccess access(byte[] token) {
    return new HttpAccess(token, null, java.util.Set.of("127.0.0.1"), false);
  }

  private static BrokerCore core() {
    return BrokerCore.inMemory(CoreConfig.unbounded(1000, 64 * 1024, 3, 30_000, 1000, 60_000));
  }

  @Test
  void servesWithoutTheTokenWhileTheCoreAnswers() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    BrokerCore core = core();
    try (HttpServer server = HttpServer.start("127.0.0.1", 0, group, group, core, access(KEY), null, HttpOptions.DEFAULT_MAX_CONNECTIONS, () -> null, new BrokerMeters(System.currentTimeMillis()))) {
      HttpResponse<String> r = get(server, "/healthz");
      assertEquals(200, r.statusCode(), r.body());
      assertTrue(r.body().startsWith("{\"status\":\"serving\""), r.body());
      assertFalse(r.body().contains("s3cret"), r.body());
      assertEquals(401, get(server, "/metrics").statusCode(), "only the probe is open");
    } finally {
      core.close();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void aStoppedCoreIsNotServing() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    BrokerCore core = core();
    try (HttpServer server = HttpServer.start("127.0.0.1", 0, group, group, core, access(null), null, HttpOptions.DEFAULT_MAX_CONNECTIONS, () -> null, new BrokerMeters(System.currentTimeMillis()))) {
      core.close();
      HttpResponse<String> r = get(server, "/healthz");
      assertEquals(503, r.statusCode(), r.body());
      assertTrue(r.body().contains("\"status\":\"not_serving\""), r.body());
      assertTrue(r.body().contains("CORE_STOPPED"), r.body());
      assertEquals(503, get(server, "/metrics").statusCode(), "data needs the core too");
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void aCoreThatDoesNotAnswerWithinTheDeadlineIsNotServing() throws Exception {
    FullHttpResponse r = new HealthCheck(CompletableFuture::new, Duration.ofMillis(50)).check().get(5, TimeUnit.SECONDS);
    try {
      assertEquals(503, r.status().code());
      String body = r.content().toString(StandardCharsets.UTF_8);
      assertTrue(body.contains("\"status\":\"not_serving\""), body);
      assertTrue(body.contains("CORE_UNRESPONSIVE: the broker's core thread did not answer within 50 ms"), body);
    } finally {
      r.release();
    }
  }
}
