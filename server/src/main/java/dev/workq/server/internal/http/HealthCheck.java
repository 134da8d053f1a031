package dev.workq.server.internal.http;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * {@code GET /healthz}: serving while the core thread answers a no-op within a deadline. For a
 * supervisor's probe, so it needs no token and says nothing but whether the broker serves (and how
 * long the core took to answer).
 */
final class HealthCheck {

  /** How long the core may take to answer before the broker counts as not serving. */
  static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(2);

  private final Supplier<CompletableFuture<Void>> ping;
  private final Duration deadline;

  /** {@code ping}: completes once the core has run a no-op; fails (or throws) if the core has stopped. */
  HealthCheck(Supplier<CompletableFuture<Void>> ping, Duration deadline) {
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("deadline must be positive, got " + deadline);
    }
    this.ping = ping;
    this.deadline = deadline;
  }

  /** The answer: 200 serving or 503 with the reason. Never fails; the response is a few bytes. */
  CompletableFuture<FullHttpResponse> check() {
    long start = System.nanoTime();
    CompletableFuture<Void> answered;
    try {
      answered = ping.get();
    } catch (RuntimeException e) {
      answered = CompletableFuture.failedFuture(e);
    }
    return answered.orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS).handle((ok, e) -> {
      if (e == null) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "serving");
        body.put("coreMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        return HttpApiHandler.json(HttpResponseStatus.OK, body);
      }
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      String error = cause instanceof TimeoutException
          ? "CORE_UNRESPONSIVE: the broker's core thread did not answer within " + deadline.toMillis() + " ms"
          : "CORE_STOPPED: the broker's core thread is not running";
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", "not_serving");
      body.put("error", error);
      return HttpApiHandler.json(HttpResponseStatus.SERVICE_UNAVAILABLE, body);
    });
  }
}
