package dev.workq.server.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.Consume;
import dev.workq.protocol.DeadLetters;
import dev.workq.protocol.DeadLettersReply;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.ItemKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Retries of failed tasks on a fake clock with seeded jitter, and the dead letter at the end. */
class RetryBackoffTest {

  private static final long SEED = 42;
  private static final long BASE_MS = 1_000;
  private static final long MAX_MS = 8_000;
  private final CoreConfig config = CoreHarness.config(3, 60_000, BASE_MS, MAX_MS);

  @Test
  void theBackoffDoublesPerAttemptUpToItsCapWithJitterOverTheUpperHalf() {
    Random random = new Random(SEED);
    long[] caps = {1_000, 2_000, 4_000, 8_000, 8_000, 8_000};
    for (int attempt = 1; attempt <= caps.length; attempt++) {
      long cap = caps[attempt - 1];
      long min = Long.MAX_VALUE;
      long max = 0;
      for (int i = 0; i < 2_000; i++) {
        long ms = config.backoffMs(attempt, random);
        assertTrue(ms >= cap / 2 && ms < cap, "attempt " + attempt + ": " + ms + " ms is outside [" + cap / 2 + ", " + cap + ")");
        min = Math.min(min, ms);
        max = Math.max(max, ms);
      }
      assertTrue(min < cap / 2 + cap / 20 && max > cap - cap / 20,
          "attempt " + attempt + ": the jitter spans only [" + min + ", " + max + "] of the upper half");
    }
    assertEquals(MAX_MS / 2 + (long) (new Random(SEED).nextDouble() * (MAX_MS - MAX_MS / 2)),
        config.backoffMs(60, new Random(SEED)), "however many attempts, the cap");
  }

  @Test
  void theSameSeedGivesTheSameDelays() {
    Random a = new Random(SEED);
    Random b = new Random(SEED);
    for (int attempt = 1; attempt < 10; attempt++) {
      assertEquals(config.backoffMs(attempt, a), config.backoffMs(attempt, b));
    }
  }

  @Test
  void aFailedTaskIsDelayedByItsBackoffThenDeliveredAgain() {
    CoreHarness h = new CoreHarness(config, SEED);
    Random expected = new Random(SEED);
    CoreHarness.Peer client = h.client("c");
    CoreHarness.Peer worker = h.worker("w", "echo");
    client.put("jobs", "t1", "echo", 3, 60_000);
    worker.consume("jobs", 1);

    worker.fail(worker.delivery(), "boom 1");
    long first = config.backoffMs(1, expected);
    h.advance(first - 1);
    assertTrue(worker.deliveries().isEmpty(), "redelivered before its backoff of " + first + " ms was over");
    h.advance(BrokerCore.TICK_MS);
    Deliver second = worker.delivery();
    assertEquals("t1", second.id());
    assertEquals(2, second.attempts());

    worker.fail(second, "boom 2");
    long secondDelay = config.backoffMs(2, expected);
    assertTrue(secondDelay >= BASE_MS, "the second backoff is at least the first's cap");
    h.advance(secondDelay - 1);
    assertTrue(worker.deliveries().isEmpty(), "redelivered before its backoff of " + secondDelay + " ms was over");
    h.advance(BrokerCore.TICK_MS);
    assertEquals(3, worker.delivery().attempts());
  }

  @Test
  void aTaskOutOfAttemptsIsADeadLetterAndItsFailedResultGoesToTheDoneQueue() {
    CoreHarness h = new CoreHarness(config, SEED);
    CoreHarness.Peer client = h.client("c");
    CoreHarness.Peer worker = h.worker("w", "echo");
    client.put("jobs", "t1", "echo", 2, 60_000);
    worker.consume("jobs", 1);

    worker.fail(worker.delivery(), "boom 1");
    h.advance(MAX_MS);
    worker.fail(worker.delivery(), "boom 2");
    h.advance(10 * MAX_MS);
    assertTrue(worker.deliveries().isEmpty(), "no third attempt");

    client.send(new Consume(1, "jobs.done", 10, null));
    Deliver result = client.delivery();
    assertEquals(ItemKind.RESULT, result.kind());
    assertEquals("t1", result.id());
    assertEquals("{\"id\":\"t1\",\"ok\":false,\"value\":null,\"error\":\"boom 2\",\"worker\":null,\"attempts\":2,\"elapsedMs\":0}",
        result.payload().utf8());

    client.send(new DeadLetters(2, "jobs", DeadLetters.Action.LIST, List.of(), 0));
    DeadLettersReply dead = client.conn.take(DeadLettersReply.class).get(0);
    assertEquals(1, dead.total());
    assertEquals(List.of("boom 1", "boom 2"), dead.items().get(0).errors());
  }

  @Test
  void tasksFailingTogetherRetryAtDifferentTimes() {
    CoreHarness h = new CoreHarness(config, SEED);
    CoreHarness.Peer client = h.client("c");
    CoreHarness.Peer worker = h.worker("w", "echo");
    for (int i = 0; i < 20; i++) {
      client.put("jobs", "t" + i, "echo", 3, 60_000);
    }
    worker.consume("jobs", 20);
    for (Deliver d : worker.deliveries()) {
      worker.fail(d, "boom");
    }
    List<Long> redeliveredAt = new ArrayList<>();
    while (redeliveredAt.size() < 20 && h.clock.elapsedMs() < 2 * BASE_MS) {
      h.advance(BrokerCore.TICK_MS);
      worker.deliveries().forEach(d -> redeliveredAt.add(h.clock.elapsedMs()));
    }
    assertEquals(20, redeliveredAt.size());
    assertTrue(redeliveredAt.stream().distinct().count() > 5, "the retries bunch up: " + redeliveredAt);
    assertTrue(redeliveredAt.stream().allMatch(t -> t >= BASE_MS / 2 && t <= BASE_MS + BrokerCore.TICK_MS), redeliveredAt::toString);
  }
}
