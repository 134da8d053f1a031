package dev.workq.worker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.worker.api.PermanentFailure;
import dev.workq.worker.api.RetryPolicy;
import dev.workq.worker.api.TaskContext;
import dev.workq.worker.api.TaskHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A handler's failures: PermanentFailure and the handler's RetryPolicy decide permanent and retryMs. */
class RetryPolicyTest {

  /** Fails every time, with {@code policy}; "permanent" in the payload throws PermanentFailure, "wrapped" wraps one. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  private static TaskHandler<Map, String> failing(String name, RetryPolicy policy) {
    return new TaskHandler<>() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Class<Map> inputType() {
        return Map.class;
      }

      @Override
      public String handle(Map input, TaskContext context) {
        if (input.containsKey("permanent")) {
          throw new PermanentFailure("no such customer");
        }
        if (input.containsKey("wrapped")) {
          throw new IllegalStateException("lookup failed", new PermanentFailure("no such customer"));
        }
        throw new IllegalStateException("database down");
      }

      @Override
      public RetryPolicy retryPolicy() {
        return policy;
      }
    };
  }

  private final TaskRunner runner = new TaskRunner(HandlerRegistry.of(List.of(
      failing("plain", RetryPolicy.BROKER),
      failing("limited", RetryPolicy.maxAttempts(4).withBackoff(Duration.ofMillis(100), 2.0, Duration.ofMillis(250))),
      failing("attempts-only", RetryPolicy.maxAttempts(2)))), "w:1");

  private TaskRunner.Outcome run(String handler, String json, int attempt) {
    return runner.execute(new TaskRunner.Task("t1", "tasks", handler, attempt, json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aPermanentFailureIsNotRetried() {
    TaskRunner.Outcome o = run("plain", "{\"permanent\":1}", 1);
    assertFalse(o.result().ok());
    assertTrue(o.permanent());
    assertNull(o.retryAfter());
    assertEquals(PermanentFailure.class.getName() + ": no such customer", o.result().error());
    assertTrue(run("plain", "{\"wrapped\":1}", 1).permanent(), "a PermanentFailure as the cause counts too");
    assertTrue(run("limited", "{\"permanent\":1}", 1).permanent(), "whatever attempts the policy has left");
  }

  @Test
  void anyOtherFailureIsLeftToTheBrokerByDefault() {
    TaskRunner.Outcome o = run("plain", "{}", 7);
    assertFalse(o.permanent());
    assertNull(o.retryAfter(), "the broker's backoff");
  }

  @Test
  void theHandlersPolicyGivesTheBackoffPerAttemptAndEndsAtItsMaxAttempts() {
    assertEquals(Duration.ofMillis(100), run("limited", "{}", 1).retryAfter());
    assertEquals(Duration.ofMillis(200), run("limited", "{}", 2).retryAfter());
    assertEquals(Duration.ofMillis(250), run("limited", "{}", 3).retryAfter(), "capped at max");
    assertFalse(run("limited", "{}", 3).permanent());
    TaskRunner.Outcome last = run("limited", "{}", 4);
    assertTrue(last.permanent(), "the 4th attempt was the handler's last");
    assertNull(last.retryAfter());
    assertFalse(run("attempts-only", "{}", 1).permanent());
    assertNull(run("attempts-only", "{}", 1).retryAfter());
    assertTrue(run("attempts-only", "{}", 2).permanent());
  }

  @Test
  void whatIsSentFollowsTheOutcome() {
    FakeItem retry = new FakeItem("limited", "{}", 2);
    assertTrue(runner.run(retry, new CancelSignal()));
    assertEquals(List.of("fail retryAfter=200"), retry.sent);
    FakeItem last = new FakeItem("limited", "{}", 4);
    runner.run(last, new CancelSignal());
    assertEquals(List.of("fail permanent=true"), last.sent);
    FakeItem permanent = new FakeItem("plain", "{\"permanent\":1}", 1);
    runner.run(permanent, new CancelSignal());
    assertEquals(List.of("fail permanent=true"), permanent.sent);
    FakeItem plain = new FakeItem("plain", "{}", 1);
    runner.run(plain, new CancelSignal());
    assertEquals(List.of("fail permanent=false"), plain.sent);
  }

  @Test
  void policiesCheckTheirArguments() {
    assertEquals("attempts must be 1..1000, got 0", assertThrows(IllegalArgumentException.class, () -> RetryPolicy.maxAttempts(0)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> RetryPolicy.maxAttempts(3).withBackoff(Duration.ofSeconds(2), 2, Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> RetryPolicy.maxAttempts(3).withBackoff(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> RetryPolicy.maxAttempts(3).withBackoff(Duration.ofSeconds(1), 2, Duration.ofDays(2)));
    assertFalse(RetryPolicy.BROKER.exhausted(1000));
    assertNull(RetryPolicy.BROKER.backoff(1));
    assertEquals(Duration.ofDays(1), RetryPolicy.maxAttempts(50).withBackoff(Duration.ofHours(1), 100, Duration.ofDays(1)).backoff(40),
        "no overflow at high attempts");
  }
}
