package dev.workq.server.internal.http;

import dev.workq.protocol.Printable;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.workq.protocol.DeadLetters;
import dev.workq.protocol.DeleteQueue;
import dev.workq.protocol.DeleteQueueOk;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.Json;
import dev.workq.protocol.QueueNames;
import dev.workq.protocol.QueueStats;
import dev.workq.protocol.Validate;
import dev.workq.server.internal.core.BrokerCore;
import dev.workq.server.internal.core.CoreSnapshot;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's HTTP surface: Prometheus metrics, a small JSON API (its task and queue lifecycle
 * part in {@link LifecycleRoutes}), a health check and the dashboard's static files. Every answer is computed from a snapshot the core thread takes,
 * asynchronously, so no request blocks an event loop; the core only copies its counters, and the
 * answer is encoded on the HTTP plane's executor ({@link HttpPlane}), then written on the
 * connection's event loop.
 */
final class HttpApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final Logger log = LoggerFactory.getLogger(HttpApiHandler.class);
  private static final Map<String, String> STATIC = Map.of(
      "/", "index.html", "/index.html", "index.html", "/dashboard.js", "dashboard.js", "/dashboard.css", "dashboard.css");

  /** Answered without the token: a supervisor's probe has none, and the answer holds no data. */
  static final String HEALTH_PATH = "/healthz";
  /** The Prometheus text format's content type. */
  static final String METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final BrokerCore core;
  private final HttpPlane plane;
  private final LifecycleRoutes lifecycle;

  /** Who may ask is settled before this handler (see {@link TokenAuthHandler} and {@link HostOriginGuard}). */
  HttpApiHandler(BrokerCore core, HttpPlane plane) {
    this.core = core;
    this.plane = plane;
    this.lifecycle = new LifecycleRoutes(core, this::encoded);
  }

  /** Whether a GET of {@code path} needs no token: the dashboard's files and the health check hold no data. */
  static boolean isPublic(String path) {
    return STATIC.containsKey(path) || path.equals(HEALTH_PATH);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    QueryStringDecoder uri = new QueryStringDecoder(req.uri());
    String path = uri.path();
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    CompletableFuture<FullHttpResponse> response;
    try {
      response = lifecycle.route(req.method(), uri.rawPath(), uri.parameters());
      if (response == null) {
        response = route(req.method(), path, uri.parameters());
      }
    } catch (IllegalArgumentException e) {
      response = CompletableFuture.completedFuture(json(HttpResponseStatus.BAD_REQUEST, Map.of("error", e.getMessage())));
    }
    HttpMethod method = req.method();
    response.whenComplete((r, e) -> {
      FullHttpResponse out = r;
      if (e != null) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof RejectedExecutionException) {
          log.debug("HTTP {} {} refused", Printable.escape(method.name()), Printable.escape(path), cause);
          out = json(HttpResponseStatus.SERVICE_UNAVAILABLE,
              Map.of("error", "UNAVAILABLE: the broker is busy or stopping; try again"));
        } else {
          log.warn("HTTP {} {} failed", Printable.escape(method.name()), Printable.escape(path), e);
          out = json(HttpResponseStatus.INTERNAL_SERVER_ERROR, Map.of("error", String.valueOf(cause.getMessage())));
        }
      }
      FullHttpResponse answer = out;
      // Built on another thread: write on the connection's own event loop.
      if (ctx.executor().inEventLoop()) {
        send(ctx, answer, keepAlive);
      } else {
        ctx.executor().execute(() -> send(ctx, answer, keepAlive));
      }
    });
  }

  /**
   * {@code encode} applied to {@code source}'s value on the HTTP plane's executor, whichever
   * thread completes {@code source} (the core's, for a request to the core).
   */
  private <T> CompletableFuture<FullHttpResponse> encoded(CompletableFuture<T> source, Function<T, FullHttpResponse> encode) {
    CompletableFuture<FullHttpResponse> out = new CompletableFuture<>();
    source.whenComplete((v, e) -> {
      if (e != null) {
        out.completeExceptionally(e);
        return;
      }
      try {
        plane.executor().execute(() -> {
          try {
            out.complete(encode.apply(v));
          } catch (RuntimeException ex) {
            out.completeExceptionally(ex);
          }
        });
      } catch (RejectedExecutionException ex) {
        out.completeExceptionally(ex);
      }
    });
    return out;
  }

  /** A request to the core: a stopped core refuses it at once (answered 503, not by a closed connection). */
  private static <T> CompletableFuture<T> ask(Supplier<CompletableFuture<T>> request) {
    try {
      return request.get();
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletableFuture<FullHttpResponse> route(HttpMethod method, String path, Map<String, List<String>> params) {
    if (method.equals(HttpMethod.GET)) {
      if (STATIC.containsKey(path)) {
        return CompletableFuture.completedFuture(resource(STATIC.get(path)));
      }
      switch (path) {
        case HEALTH_PATH:
          return plane.health().check();
        case "/metrics":
          return encoded(plane.snapshots().get(), s -> text(plane.metrics().scrape(s), METRICS_TYPE));
        case "/api/queues":
          return encoded(plane.snapshots().get(), s -> json(HttpResponseStatus.OK, queues(s)));
        case "/api/workers":
          return encoded(plane.snapshots().get(), s -> json(HttpResponseStatus.OK, s.stats().workers()));
        case "/api/cluster":
          return encoded(plane.snapshots().get(), s -> json(HttpResponseStatus.OK,
              java.util.Collections.singletonMap("cluster", s.stats().cluster())));
        case "/api/dead-letters":
          DeadLetters list = new DeadLetters(0, queueParam(params), DeadLetters.Action.LIST, null,
              Math.min(DeadLetters.MAX_LIMIT, Integer.parseInt(first(params, "limit", "100"))));
          return encoded(ask(() -> core.deadLetters(list)), r -> json(HttpResponseStatus.OK, r));
        default:
          return notFound(path);
      }
    }
    if (method.equals(HttpMethod.POST)) {
      if (path.equals("/api/dead-letters/requeue") || path.equals("/api/dead-letters/purge")) {
        DeadLetters.Action action = path.endsWith("requeue") ? DeadLetters.Action.REQUEUE : DeadLetters.Action.PURGE;
        DeadLetters request = new DeadLetters(0, queueParam(params), action, params.getOrDefault("id", List.of()), 0);
        return encoded(ask(() -> core.deadLetters(request)),
            r -> json(HttpResponseStatus.OK, Map.of("queue", r.queue(), "count", r.count())));
      }
      if (path.startsWith("/api/queues/") && (path.endsWith("/pause") || path.endsWith("/resume"))) {
        String queue = Validate.queue("queue", path.substring("/api/queues/".length(), path.lastIndexOf('/')));
        boolean pause = path.endsWith("/pause");
        return encoded(ask(() -> core.setPaused(queue, pause)), found -> found
            ? json(HttpResponseStatus.OK, Map.of("queue", queue, "paused", pause))
            : json(HttpResponseStatus.NOT_FOUND, Map.of("error", "no queue named '" + queue + "'")));
      }
      return notFound(path);
    }
    if (method.equals(HttpMethod.DELETE) && path.startsWith("/api/queues/")) {
      String queue = Validate.queue("queue", path.substring("/api/queues/".length()));
      boolean force = Boolean.parseBoolean(first(params, "force", "false"));
      return encoded(ask(() -> core.deleteQueue(new DeleteQueue(0, queue, force))), HttpApiHandler::deleted);
    }
    return CompletableFuture.completedFuture(json(HttpResponseStatus.METHOD_NOT_ALLOWED, Map.of("error", method + " is not supported")));
  }

  /** The answer to DELETE /api/queues/NAME: 200 with what went, or the refusal with its code and a fitting status. */
  private static FullHttpResponse deleted(dev.workq.protocol.Message answer) {
    if (answer instanceof DeleteQueueOk ok) {
      return json(HttpResponseStatus.OK, Map.of("queue", ok.queue(), "removed", ok.removed()));
    }
    ErrorReply e = (ErrorReply) answer;
    HttpResponseStatus status = e.code() == ErrorCode.UNKNOWN_QUEUE ? HttpResponseStatus.NOT_FOUND : HttpResponseStatus.CONFLICT;
    return json(status, Map.of("error", e.describe()));
  }

  /** Each queue with its done queue's depth and whether it is paused, for the dashboard. */
  private static List<Map<String, Object>> queues(CoreSnapshot s) {
    Map<String, QueueStats> byName = new HashMap<>();
    s.stats().queues().forEach(q -> byName.put(q.name(), q));
    return s.stats().queues().stream().map(q -> {
      Map<String, Object> m = Json.mapper().convertValue(q, Map.class);
      QueueStats done = byName.get(q.name() + QueueNames.DONE_SUFFIX);
      m.put("doneDepth", done == null ? null : done.ready());
      m.put("paused", s.paused().contains(q.name()));
      return m;
    }).toList();
  }

  private static String queueParam(Map<String, List<String>> params) {
    return Validate.queue("queue", first(params, "queue", null));
  }

  private static String first(Map<String, List<String>> params, String name, String fallback) {
    List<String> v = params.get(name);
    return v == null || v.isEmpty() ? fallback : v.get(0);
  }

  private static CompletableFuture<FullHttpResponse> notFound(String path) {
    return CompletableFuture.completedFuture(json(HttpResponseStatus.NOT_FOUND, Map.of("error", "no such resource: " + path)));
  }

  static FullHttpResponse json(HttpResponseStatus status, Object body) {
    try {
      return bytes(status, Json.mapper().writeValueAsBytes(body), "application/json");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static FullHttpResponse text(byte[] body, String type) {
    return bytes(HttpResponseStatus.OK, body, type);
  }

  private static FullHttpResponse resource(String name) {
    try (InputStream in = HttpApiHandler.class.getResourceAsStream("/dev/workq/server/dashboard/" + name)) {
      if (in == null) {
        return json(HttpResponseStatus.NOT_FOUND, Map.of("error", "missing resource " + name));
      }
      String type = name.endsWith(".html") ? "text/html; charset=utf-8"
          : name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
      return bytes(HttpResponseStatus.OK, in.readAllBytes(), type);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static FullHttpResponse bytes(HttpResponseStatus status, byte[] body, String type) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
    r.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    return r;
  }

  static void send(ChannelHandlerContext ctx, FullHttpResponse r, boolean keepAlive) {
    if (keepAlive) {
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(r);
    } else {
      // Said, so a client does not send its next request down a connection about to close.
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /**
   * The last handler: expected failures (a peer gone, a plaintext or failed TLS handshake on the
   * HTTPS port, which any stranger can cause) are logged at DEBUG; anything else loudly.
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    failed(ctx, cause);
  }

  /** The HTTP planes' one policy for a failed connection (see {@link #exceptionCaught}). */
  static void failed(ChannelHandlerContext ctx, Throwable cause) {
    boolean tls = cause instanceof io.netty.handler.ssl.NotSslRecordException
        || cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() instanceof javax.net.ssl.SSLException;
    if (cause instanceof IOException || tls) {
      log.debug("HTTP connection {} failed", ctx.channel().remoteAddress(), cause);
    } else {
      log.warn("HTTP connection {} failed", ctx.channel().remoteAddress(), cause);
    }
    ctx.close();
  }
}
