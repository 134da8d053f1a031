package dev.workq.server.internal.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.workq.server.internal.pipeline.LogRateLimit.Decision;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/** The broker-wide bound on per-connection log lines, on a clock the test moves by hand. */
class LogRateLimitTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final LogRateLimit limit = new LogRateLimit("test lines", Level.INFO, 3, Duration.ofSeconds(10), now::get);
  private final Logger log = LoggerFactory.getLogger(LogRateLimitTest.class);

  @Test
  void logsUpToTheMaxThenSuppressesAndAsksForOneReport() {
    assertEquals(Decision.LOG, limit.acquire());
    assertEquals(Decision.LOG, limit.acquire());
    assertEquals(Decision.LOG, limit.acquire());
    assertEquals(Decision.SUPPRESS_FIRST, limit.acquire());
    assertEquals(Decision.SUPPRESS, limit.acquire());
    assertEquals(Decision.SUPPRESS, limit.acquire());
  }

  @Test
  void theReportCountsTheSuppressedLinesOnceTheIntervalEndsAndStartsAFreshInterval() {
    for (int i = 0; i < 10; i++) {
      limit.acquire();
    }
    now.addAndGet(Duration.ofSeconds(9).toNanos());
    assertEquals(0, limit.report(log), "too early");
    assertEquals(Duration.ofSeconds(1).toNanos(), limit.nanosUntilIntervalEnds());
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertEquals(7, limit.report(log));
    assertEquals(0, limit.report(log), "reported once");
    assertEquals(Decision.LOG, limit.acquire());
  }

  @Test
  void untilTheReportIsOutNewLinesStaySuppressedSoTheSummaryComesFirst() {
    for (int i = 0; i < 4; i++) {
      limit.acquire();
    }
    now.addAndGet(Duration.ofSeconds(30).toNanos());
    assertEquals(Decision.SUPPRESS, limit.acquire());
    assertEquals(2, limit.report(log));
    assertEquals(Decision.LOG, limit.acquire());
  }

  @Test
  void aQuietIntervalStartsAFreshBudget() {
    for (int i = 0; i < 3; i++) {
      limit.acquire();
    }
    now.addAndGet(Duration.ofSeconds(10).toNanos());
    assertEquals(Decision.LOG, limit.acquire());
    assertEquals(Decision.LOG, limit.acquire());
    assertEquals(Decision.LOG, limit.acquire());
    assertEquals(Decision.SUPPRESS_FIRST, limit.acquire());
  }

  @Test
  void refusesBadBounds() {
    assertThrows(IllegalArgumentException.class, () -> new LogRateLimit("x", Level.INFO, 0, Duration.ofSeconds(1), now::get));
    assertThrows(IllegalArgumentException.class, () -> new LogRateLimit("x", Level.INFO, 1, Duration.ZERO, now::get));
  }
}
