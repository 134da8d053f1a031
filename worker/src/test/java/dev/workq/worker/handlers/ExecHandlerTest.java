package dev.workq.worker.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.workq.worker.internal.CancelSignal;
import dev.workq.worker.internal.HandlerRegistry;
import dev.workq.worker.internal.TaskRunner;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code exec} with real processes: a timed-out command is killed with everything it started. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExecHandlerTest {

  /** A sleep length no other process on this machine uses, so the test finds its own sleeps by it. */
  private final String nonce = "300." + ThreadLocalRandom.current().nextInt(100_000, 999_999);
  private final List<ProcessHandle> found = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    // Whatever the assertions said, no sleep of this test outlives it.
    sleeps().forEach(ProcessHandle::destroyForcibly);
    found.forEach(ProcessHandle::destroyForcibly);
  }

  private List<ProcessHandle> sleeps() {
    try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
      return all.filter(h -> h.info().arguments().map(a -> List.of(a).contains(nonce)).orElse(false)).toList();
    }
  }

  private ExecHandler.Output run(String script, long timeoutMs) throws Exception {
    return new ExecHandler().handle(new ExecHandler.Input(List.of("sh", "-c", script), timeoutMs), null);
  }

  /** Runs {@code script} with a 1.5 s limit, collecting its sleeps while it runs; returns the handler's failure. */
  private Exception runUntilKilled(String script, int sleepsExpected) throws Exception {
    CompletableFuture<ExecHandler.Output> task = CompletableFuture.supplyAsync(() -> {
      try {
        return run(script, 1500);
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (found.size() < sleepsExpected && System.nanoTime() < deadline && !task.isDone()) {
      for (ProcessHandle h : sleeps()) {
        if (!found.contains(h)) {
          found.add(h);
        }
      }
      Thread.sleep(20);
    }
    assertEquals(sleepsExpected, found.size(), "the command's sleeps, seen while it ran: " + found);
    Exception failure = assertThrows(java.util.concurrent.ExecutionException.class, () -> task.get(20, TimeUnit.SECONDS));
    return (Exception) failure.getCause();
  }

  private void assertAllGone() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (found.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(found.stream().noneMatch(ProcessHandle::isAlive),
        "still alive after the timeout: " + found.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList());
  }

  @Test
  void aTimedOutCommandIsKilledWithItsChildren() throws Exception {
    Exception e = runUntilKilled("sleep " + nonce + " & sleep " + nonce + " & wait", 2);
    assertTrue(e.getMessage().contains("ran over its 1500 ms limit and was killed"), e.getMessage());
    assertAllGone();
  }

  @Test
  void aTimedOutCommandsOrphansAreKilledToo() throws Exception {
    // The subshell exits at once, so its sleep is re-parented away from the command: no longer a
    // descendant the JVM can see, but still in the command's session.
    assumeTrue(ProcessTree.ownSessions(), "needs setsid and /proc");
    runUntilKilled("(sleep " + nonce + " &); sleep " + nonce, 2);
    assertAllGone();
  }

  @Test
  void aCancelledCommandIsKilledAtOnceWithItsChildren() throws Exception {
    TaskRunner runner = new TaskRunner(HandlerRegistry.load(List.of(), true), "w:1");
    CancelSignal cancel = new CancelSignal();
    byte[] payload = ("{\"argv\":[\"sh\",\"-c\",\"sleep " + nonce + " & sleep " + nonce + " & wait\"],\"timeoutMs\":60000}")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    CompletableFuture<TaskRunner.Outcome> task = CompletableFuture.supplyAsync(
        () -> runner.execute(new TaskRunner.Task("t1", "tasks", "exec", 1, payload), cancel));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (found.size() < 2 && System.nanoTime() < deadline) {
      sleeps().stream().filter(h -> !found.contains(h)).forEach(found::add);
      Thread.sleep(20);
    }
    assertEquals(2, found.size(), "the command's sleeps, seen while it ran: " + found);
    long start = System.nanoTime();
    assertTrue(cancel.cancel());
    TaskRunner.Outcome outcome = task.get(10, TimeUnit.SECONDS);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(tookMs < 3000, "the handler returned " + tookMs + " ms after its cancel");
    assertTrue(!outcome.result().ok(), "a cancelled command has no result to give");
    assertAllGone();
  }

  @Test
  void aCommandThatFinishesInTimeReturnsItsOutput() throws Exception {
    ExecHandler.Output out = run("echo out; echo err >&2; exit 3", 10_000);
    assertEquals(new ExecHandler.Output(3, "out\n", "err\n"), out);
  }

  @Test
  void aMissingCommandFailsAsBeforeRatherThanAsExitStatus127() {
    IOException e = assertThrows(IOException.class, () -> new ExecHandler().handle(
        new ExecHandler.Input(List.of("no-such-command-" + nonce), 1000L), null));
    assertTrue(e.getMessage().contains("no-such-command-"), e.getMessage());
  }
}
