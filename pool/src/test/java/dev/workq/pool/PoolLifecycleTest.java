package dev.workq.pool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.QueueStats;
import dev.workq.client.WorkqException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What terminate, a killed worker, a failed start and close do to a local pool's real processes. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PoolLifecycleTest {

  private WorkqPool pool;
  private final List<Long> started = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    if (pool != null) {
      started.addAll(pool.workerPids());
      pool.close();
    }
    // Whatever a failed assertion left: no test leaves a process behind.
    started.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  @Test
  void terminateCancelsQueuedAndRunningWorkAndLeavesTheQueueEmpty() {
    pool = WorkqPool.local(2).start();
    started.addAll(pool.workerPids());
    List<AsyncResult<Long>> calls = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      calls.add(pool.applyAsync(PoolTasks::sleep, 30_000L));
    }
    // Two running (one per worker), four still queued.
    await().atMost(Duration.ofSeconds(20)).until(() -> stats().inFlight() == 2 && stats().ready() == 4);

    int cancelled = pool.terminate();

    assertEquals(6, cancelled);
    for (AsyncResult<Long> call : calls) {
      assertTrue(call.await(Duration.ofSeconds(10)), "a terminated call is still waiting");
      assertInstanceOf(TaskCancelledException.class, assertThrows(TaskFailedException.class, call::get));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> stats().ready() == 0 && stats().inFlight() == 0);
    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> pool.apply(PoolTasks::square, 2));
    assertEquals("pool terminated", refused.getMessage());
  }

  @Test
  void aWorkerKilledDuringAMapIsReplacedAndTheMapStillCompletes() {
    pool = WorkqPool.local(2).start();
    List<Long> first = pool.workerPids();
    started.addAll(first);
    List<Long> sleeps = IntStream.range(0, 10).mapToObj(i -> 300L).toList();
    AsyncResult<List<Long>> map = pool.mapAsync(PoolTasks::sleep, sleeps);
    await().atMost(Duration.ofSeconds(20)).until(() -> stats().inFlight() == 2);

    long victim = first.get(0);
    ProcessHandle.of(victim).orElseThrow().destroyForcibly();

    assertEquals(sleeps, map.get(Duration.ofSeconds(60)));
    await().atMost(Duration.ofSeconds(30)).until(() -> pool.workerPids().size() == 2 && !pool.workerPids().contains(victim));
    started.addAll(pool.workerPids());
    // The replacement takes work like the first two.
    assertEquals(List.of(4, 9), pool.map(PoolTasks::square, List.of(2, 3)));
  }

  @Test
  void closeStopsEveryWorkerProcess() {
    pool = WorkqPool.local(2).start();
    List<Long> pids = pool.workerPids();
    started.addAll(pids);
    assertEquals(2, pids.size());
    pool.close();
    for (long pid : pids) {
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "worker " + pid + " outlived close()");
    }
    assertThrows(IllegalStateException.class, () -> pool.apply(PoolTasks::square, 2));
  }

  @Test
  void aWorkerStoppedByTheProgramsStopIsNotReplacedAndWithNoneLeftACallFailsInsteadOfWaiting() {
    pool = WorkqPool.local(2).start();
    List<Long> pids = pool.workerPids();
    started.addAll(pids);

    pool.client().stopWorkers(pool.queue(), 1);
    await().atMost(Duration.ofSeconds(30)).until(() -> pool.workerPids().size() == 1);
    // Stopped on purpose, as a Python worker after its sentinel: no process takes its place.
    assertTrue(pids.containsAll(pool.workerPids()), "a stopped worker was replaced: " + pool.workerPids());
    assertEquals(List.of(4), pool.map(PoolTasks::square, List.of(2)));

    pool.client().stopWorkers(pool.queue(), 1);
    await().atMost(Duration.ofSeconds(30)).until(() -> pool.workerPids().isEmpty());
    WorkqException e = assertThrows(WorkqException.class, () -> pool.apply(PoolTasks::square, 2));
    assertTrue(e.getMessage().startsWith("every worker process of the pool has exited after a stop"), e.getMessage());
  }

  @Test
  void aTaskNoWorkerOffersIsRefusedAtTheCallRatherThanLeftWaiting() {
    pool = WorkqPool.local(1).start();
    started.addAll(pool.workerPids());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> pool.task("no.such.task", String.class).apply("x"));
    assertTrue(e.getMessage().startsWith("no worker process of this pool offers the task 'no.such.task'"), e.getMessage());
    assertTrue(e.getMessage().contains("test.square"), "the message lists what the workers offer: " + e.getMessage());
  }

  @Test
  void aWorkerThatExitsAtStartFailsStartWithItsPidAndStatus() {
    // A heap too small to start: the JVM exits at once with status 1.
    WorkqException e = assertThrows(WorkqException.class,
        () -> WorkqPool.local(1).jvmOptions(List.of("-Xmx1k")).start());
    assertTrue(e.getMessage().matches("pool worker pid \\d+ exited with status 1 before it was ready"), e.getMessage());
  }

  private QueueStats stats() {
    return pool.client().stats().queue(pool.queue()).orElseThrow();
  }
}
