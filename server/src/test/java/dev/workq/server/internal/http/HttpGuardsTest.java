package dev.workq.server.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The HTTP plane's guards on an EmbeddedChannel: what passes to the API, and what each refusal answers. */
class HttpGuardsTest {

  private static final byte[] READ = "read-token-0123456789".getBytes(StandardCharsets.UTF_8);
  private static final byte[] ADMIN = "admin-token-0123456789".getBytes(StandardCharsets.UTF_8);

  private final List<String> passed = new ArrayList<>();

  private EmbeddedChannel channel(HttpAccess access) {
    return new EmbeddedChannel(SecurityHeadersHandler.INSTANCE, new DecodeFailureHandler(), new HostOriginGuard(access),
        new TokenAuthHandler(access), new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            FullHttpRequest r = (FullHttpRequest) msg;
            passed.add(r.method() + " " + r.uri());
            ReferenceCountUtil.release(msg);
          }
        });
  }

  private static FullHttpRequest request(HttpMethod method, String uri, String... headers) {
    FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri, Unpooled.EMPTY_BUFFER);
    for (int i = 0; i < headers.length; i += 2) {
      r.headers().add(headers[i], headers[i + 1]);
    }
    return r;
  }

  /** The answer on a fresh connection (refusals close theirs), or null when the request went through to the API. */
  private FullHttpResponse answer(HttpAccess access, FullHttpRequest r) {
    EmbeddedChannel ch = channel(access);
    ch.writeInbound(r);
    FullHttpResponse out = ch.readOutbound();
    if (out != null) {
      out.release();
    }
    return out;
  }

  @Test
  void hostNamesAreComparedWithoutPortOrCase() {
    assertEquals("[::1]", HostOriginGuard.hostName("[::1]:8080"));
    assertEquals("localhost", HostOriginGuard.hostName("LocalHost:80"));
    assertEquals("10.0.0.7", HostOriginGuard.hostName(" 10.0.0.7 "));
  }

  @Test
  void anOpenPlaneStillGuardsHostOriginAndSimpleRequests() {
    HttpAccess ch = new HttpAccess(null, null, Set.of("127.0.0.1", "[::1]"), false);
    assertNull(answer(ch, request(HttpMethod.GET, "/api/queues", "Host", "[::1]:9000")));
    assertEquals(421, answer(ch, request(HttpMethod.GET, "/api/queues", "Host", "attacker.example")).status().code());
    assertEquals(403, answer(ch, request(HttpMethod.DELETE, "/api/queues/q", "Host", "127.0.0.1:9000",
        "Origin", "http://127.0.0.1:9001", "Content-Type", "application/json")).status().code(), "another port is another origin");
    assertEquals(415, answer(ch, request(HttpMethod.POST, "/api/queues/q/pause", "Host", "127.0.0.1:9000",
        "Content-Type", "text/plain")).status().code());
    assertNull(answer(ch, request(HttpMethod.POST, "/api/queues/q/pause", "Host", "127.0.0.1:9000",
        "Origin", "http://127.0.0.1:9000", "Content-Type", "application/json; charset=utf-8")));
    assertEquals(List.of("GET /api/queues", "POST /api/queues/q/pause"), passed);
  }

  @Test
  void theReadTokenReadsTheAdminTokenActsAndRefusalsCarryTheHeaders() {
    HttpAccess ch = new HttpAccess(READ, ADMIN, Set.of("localhost"), true);
    FullHttpResponse none = answer(ch, request(HttpMethod.GET, "/metrics", "Host", "localhost"));
    assertEquals(401, none.status().code());
    assertEquals("Bearer realm=\"workq\"", none.headers().get("WWW-Authenticate"));
    assertTrue(none.headers().get("Content-Security-Policy").contains("frame-ancestors 'none'"));
    assertNull(answer(ch, request(HttpMethod.GET, "/", "Host", "localhost")), "the page needs no token");
    assertNull(answer(ch, request(HttpMethod.GET, "/metrics", "Host", "localhost", "Authorization", "Bearer read-token-0123456789")));
    FullHttpResponse readAct = answer(ch, request(HttpMethod.POST, "/api/queues/q/pause", "Host", "localhost",
        "Authorization", "Bearer read-token-0123456789", "Content-Type", "application/json"));
    assertEquals(403, readAct.status().code());
    assertNull(answer(ch, request(HttpMethod.POST, "/api/queues/q/pause", "Host", "localhost",
        "Origin", "https://localhost", "Authorization", "bearer admin-token-0123456789", "X-Requested-With", "x")));
    assertEquals(List.of("GET /", "GET /metrics", "POST /api/queues/q/pause"), passed);
  }

  @Test
  void aRequestTheDecoderMarkedAsFailedIsRefusedAndTheConnectionClosed() {
    EmbeddedChannel ch = channel(new HttpAccess(null, null, Set.of("localhost"), false));
    FullHttpRequest bad = request(HttpMethod.POST, "/api/queues/q/pause", "Host", "localhost", "Content-Type", "application/json");
    bad.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("invalid chunk size")));
    ch.writeInbound(bad);
    FullHttpResponse refused = ch.readOutbound();
    assertEquals(400, refused.status().code());
    refused.release();
    assertTrue(passed.isEmpty());
    assertTrue(!ch.isOpen(), "closed after the refusal");
  }
}
