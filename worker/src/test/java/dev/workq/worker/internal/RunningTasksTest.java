package dev.workq.worker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.worker.api.TaskContext;
import dev.workq.worker.api.TaskHandler;
import dev.workq.worker.handlers.SleepHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Cancelling held tasks: a revoked task is stopped and nothing is sent; one that ignores it is abandoned after the grace. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RunningTasksTest {

  private static final Duration GRACE = Duration.ofSeconds(10);

  /** The abandon timer, stepped by hand: nothing runs until {@link #fire()}. */
  private final List<Map.Entry<Duration, Runnable>> timers = new ArrayList<>();
  private final List<long[]> renewals = new ArrayList<>();
  private final LeaseKeeper leases = new LeaseKeeper(renewals::add);
  private final AtomicInteger completed = new AtomicInteger();
  private final CountDownLatch releaseStubborn = new CountDownLatch(1);
  private final CompletableFuture<Boolean> stubbornSawCancel = new CompletableFuture<>();
  private final CompletableFuture<String> watcher = new CompletableFuture<>();
  private RunningTasks tasks;

  /** Ignores interrupts and its context: runs until the test lets it go. */
  private final TaskHandler<Map, String> stubborn = handler("stubborn", (in, ctx) -> {
    while (releaseStubborn.getCount() > 0) {
      try {
        releaseStubborn.await(10, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        stubbornSawCancel.complete(ctx.cancelled());
      }
    }
    return "done";
  });

  /** Waits for its cancel, then reports what it saw. */
  private final TaskHandler<Map, String> watching = handler("watch", (in, ctx) -> {
    CompletableFuture<Void> action = new CompletableFuture<>();
    ctx.onCancel(() -> action.complete(null));
    try {
      Thread.sleep(60_000);
      watcher.complete("slept through");
    } catch (InterruptedException e) {
      watcher.complete("interrupted cancelled=" + ctx.cancelled() + " onCancel=" + action.isDone()
          + " thread=" + Thread.currentThread().getName());
    }
    return "ignored";
  });

  private RunningTasks tasks(int concurrency) {
    HandlerRegistry registry = HandlerRegistry.of(List.of(stubborn, watching, new SleepHandler(),
        new dev.workq.worker.handlers.EchoHandler()));
    tasks = new RunningTasks(concurrency, new TaskRunner(registry, "w:1"), leases, GRACE, Runnable::run,
        (delay, action) -> {
          synchronized (timers) {
            timers.add(Map.entry(delay, action));
          }
        }, completed::incrementAndGet, "w:1");
    return tasks;
  }

  private void fire() {
    List<Map.Entry<Duration, Runnable>> due;
    synchronized (timers) {
      due = List.copyOf(timers);
      timers.clear();
    }
    due.forEach(e -> e.getValue().run());
  }

  @AfterEach
  void tearDown() {
    releaseStubborn.countDown();
    if (tasks != null) {
      tasks.shutdownNow();
    }
    leases.close();
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting: " + what);
      }
      Thread.sleep(5);
    }
  }

  @Test
  void aCancelledTaskHasItsContextCancelledItsThreadInterruptedAndSendsNothing() throws Exception {
    RunningTasks t = tasks(2);
    FakeItem item = new FakeItem("watch", "{}");
    t.submit(item);
    Thread.sleep(100);
    assertTrue(leases.renewing(item.tag));
    item.revoke();
    assertEquals("interrupted cancelled=true onCancel=true thread=" + "workq-task", watcher.get(5, TimeUnit.SECONDS)
        .replaceAll("-\\d+-\\d+$", ""));
    await(() -> t.held() == 0, "the cancelled task to end");
    assertFalse(leases.renewing(item.tag), "a revoked delivery is not renewed");
    Thread.sleep(50);
    assertEquals(List.of(), item.sent, "nothing is sent for a cancelled task");
    assertEquals(0, completed.get());
  }

  @Test
  void theBuiltInSleepStopsAtOnceWhenCancelled() throws Exception {
    RunningTasks t = tasks(1);
    FakeItem sleep = new FakeItem("sleep", "{\"ms\":60000}");
    FakeItem next = new FakeItem("echo", "{\"n\":1}");
    t.submit(sleep);
    t.submit(next);
    Thread.sleep(100);
    long start = System.nanoTime();
    sleep.revoke();
    await(() -> next.sent.contains("complete"), "the next task to run in the freed slot");
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "sleep stopped at once");
    assertEquals(List.of(), sleep.sent);
    assertEquals(List.of(GRACE), timers.stream().map(Map.Entry::getKey).toList(), "an abandon timer was set for the grace");
    fire();
    assertEquals(0, t.held());
  }

  @Test
  void aHandlerThatIgnoresItsCancelIsAbandonedAfterTheGraceAndItsSlotRunsTheNextTask() throws Exception {
    RunningTasks t = tasks(1);
    FakeItem stuck = new FakeItem("stubborn", "{}");
    FakeItem next = new FakeItem("echo", "{\"n\":2}");
    t.submit(stuck);
    t.submit(next);
    Thread.sleep(100);
    stuck.revoke();
    assertTrue(stubbornSawCancel.get(5, TimeUnit.SECONDS), "its thread was interrupted and its context cancelled");
    Thread.sleep(200);
    assertEquals(List.of(), next.sent, "within the grace the stuck handler still has the only slot");
    assertEquals(2, t.held());
    assertFalse(t.awaitIdle(Duration.ofMillis(50)), "a stop waits for a cancelled handler within its grace");

    fire();
    await(() -> next.sent.contains("complete"), "the next task to run once the stuck one is abandoned");
    assertTrue(t.awaitIdle(Duration.ofMillis(50)), "an abandoned handler is not waited for");
    assertEquals(0, t.held());

    // A slot is back for good: another task runs while the abandoned handler still does.
    FakeItem third = new FakeItem("echo", "{\"n\":3}");
    t.submit(third);
    await(() -> third.sent.contains("complete"), "a later task to run");
    releaseStubborn.countDown();
    Thread.sleep(100);
    assertEquals(List.of(), stuck.sent, "nothing is sent when the abandoned handler returns at last");
    assertEquals(2, completed.get());
  }

  @Test
  void aTaskRevokedBeforeItStartsNeverRuns() throws Exception {
    RunningTasks t = tasks(1);
    FakeItem first = new FakeItem("stubborn", "{}");
    FakeItem waiting = new FakeItem("watch", "{}");
    t.submit(first);
    t.submit(waiting);
    assertEquals(1, t.waiting());
    waiting.revoke();
    assertEquals(0, t.waiting());
    assertEquals(1, t.held());
    assertEquals(List.of(), timers, "nothing to abandon: it never started");
    releaseStubborn.countDown();
    await(() -> first.sent.contains("complete"), "the running task to finish");
    assertTrue(t.awaitIdle(Duration.ofSeconds(5)));
    assertFalse(watcher.isDone(), "the revoked task's handler never ran");
    assertEquals(List.of(), waiting.sent);
  }

  @Test
  void aTaskRevokedAfterItsHandlerReturnedSendsNothing() {
    // The REVOKE raced the handler's return: the signal was never cancelled, the delivery is revoked.
    FakeItem item = new FakeItem("echo", "{}");
    item.revoke();
    TaskRunner runner = new TaskRunner(HandlerRegistry.of(List.of(new dev.workq.worker.handlers.EchoHandler())), "w:1");
    assertFalse(runner.run(item, new CancelSignal()));
    assertEquals(List.of(), item.sent);
  }

  /** A handler of {@code name} taking any JSON object. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  private static TaskHandler<Map, String> handler(String name, Body body) {
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
      public String handle(Map input, TaskContext context) throws Exception {
        return body.run(input, context);
      }
    };
  }

  interface Body {
    String run(Map<?, ?> input, TaskContext context) throws Exception;
  }
}
