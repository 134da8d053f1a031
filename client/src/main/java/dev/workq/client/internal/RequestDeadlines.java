package dev.workq.client.internal;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The deadlines of requests waiting for their answers, on one hashed-wheel timer for the JVM
 * (one daemon thread, as {@code CompletableFuture.orTimeout}'s own scheduler is). A wheel adds
 * and cancels a deadline in constant time; {@code orTimeout}'s heap took a sift per answer,
 * which showed as a tenth of a busy submitter's I/O thread. Deadlines fire within about 10 ms
 * of their time, plenty for request timeouts of seconds.
 */
final class RequestDeadlines {

  private static final HashedWheelTimer TIMER =
      new HashedWheelTimer(new DefaultThreadFactory("workq-client-deadlines", true), 10, TimeUnit.MILLISECONDS, 512);

  private RequestDeadlines() {}

  /**
   * Fails {@code f} with a {@link TimeoutException} after {@code timeoutMs} unless it completes
   * first, then runs {@code after} either way, once f has completed.
   */
  static <T> void apply(CompletableFuture<T> f, long timeoutMs, Runnable after) {
    Timeout deadline = TIMER.newTimeout(t -> f.completeExceptionally(new TimeoutException()), timeoutMs, TimeUnit.MILLISECONDS);
    f.whenComplete((v, e) -> {
      deadline.cancel();
      after.run();
    });
  }
}
