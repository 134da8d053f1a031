package dev.workq.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workq.client.QueueStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pool's calls against one local pool of two real worker JVMs, shared by the tests (starting
 * JVMs is the slow part; no test here changes the pool for the others).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkqPoolTest {

  private static WorkqPool pool;

  @BeforeAll
  static void startPool() {
    pool = WorkqPool.local(2).task("test.triple", PoolTasks::triple).startTimeout(Duration.ofSeconds(45)).start();
  }

  @AfterAll
  static void closePool() {
    if (pool != null) {
      pool.close();
    }
  }

  @Test
  void mapReturnsValuesInInputOrderEvenWhenLaterInputsFinishFirst() {
    // Earlier inputs sleep longer, so on two workers the results arrive roughly reversed.
    List<Args2<Integer, Long>> args = IntStream.range(0, 6).mapToObj(i -> Args.of(i, (6L - i) * 60)).toList();
    assertEquals(List.of(0, 1, 2, 3, 4, 5), pool.starmap(PoolTasks::sleepThen, args));
    assertEquals(List.of(0, 1, 4, 9, 16), pool.map(PoolTasks::square, List.of(0, 1, 2, 3, 4)));
  }

  @Test
  void imapYieldsInInputOrderAndImapUnorderedInCompletionOrder() {
    List<Long> sleeps = List.of(600L, 10L, 10L);
    List<Long> ordered = new ArrayList<>();
    try (PoolIterator<Long> it = pool.imap(PoolTasks::sleep, sleeps)) {
      it.forEachRemaining(ordered::add);
    }
    assertEquals(sleeps, ordered);
    List<Long> unordered = new ArrayList<>();
    try (PoolIterator<Long> it = pool.imapUnordered(PoolTasks::sleep, sleeps)) {
      it.forEachRemaining(unordered::add);
    }
    // The 600 ms one holds a worker while the other worker runs both short ones.
    assertEquals(600L, unordered.get(2));
    assertEquals(new HashSet<>(sleeps), new HashSet<>(unordered));
  }

  @Test
  void imapNextWithTimeoutThrowsAndTheSameResultArrivesLater() {
    try (PoolIterator<Long> it = pool.imap(PoolTasks::sleep, List.of(700L))) {
      assertThrows(PoolTimeoutException.class, () -> it.next(Duration.ofMillis(50)));
      assertEquals(700L, it.next(Duration.ofSeconds(20)));
      assertFalse(it.hasNext());
    }
  }

  @Test
  void chunksizeGivesEveryInputItsValueWithFewerTasks() {
    long before = completed();
    List<Integer> inputs = IntStream.range(0, 40).boxed().toList();
    List<Integer> squares = pool.map(PoolTasks::square, inputs, MapOptions.chunksize(10));
    assertEquals(inputs.stream().map(i -> i * i).toList(), squares);
    // 40 inputs in chunks of 10: four tasks on the broker, not forty.
    assertEquals(4, completed() - before);
  }

  @Test
  void aFailingInputOfAChunkFailsOnlyItsOwnPosition() {
    List<Integer> got = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    try (PoolIterator<Integer> it = pool.imap(PoolTasks::evenOnly, List.of(0, 1, 2, 3), MapOptions.chunksize(4))) {
      while (it.hasNext()) {
        try {
          got.add(it.next());
        } catch (TaskFailedException e) {
          errors.add(e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage());
        }
      }
    }
    assertEquals(List.of(0, 2), got);
    assertEquals(List.of("IllegalArgumentException: odd: 1", "IllegalArgumentException: odd: 3"), errors);
  }

  @Test
  void aTasksExceptionArrivesAsItsOwnTypeWithMessage() {
    TaskFailedException e = assertThrows(TaskFailedException.class, () -> pool.apply(PoolTasks::illegalState, "bad state"));
    assertInstanceOf(IllegalStateException.class, e.getCause());
    assertEquals("bad state", e.getCause().getMessage());
    assertEquals("java.lang.IllegalStateException", e.remoteType());
    assertEquals("bad state", e.remoteMessage());
    assertTrue(e.getMessage().startsWith("task " + e.taskId() + " failed on "), e.getMessage());
    assertTrue(e.getMessage().endsWith(": java.lang.IllegalStateException: bad state"), e.getMessage());

    TaskFailedException custom = assertThrows(TaskFailedException.class, () -> pool.map(PoolTasks::custom, List.of("mine")));
    assertInstanceOf(PoolTasks.PoolTestException.class, custom.getCause());
    assertEquals("mine", custom.getCause().getMessage());
    assertEquals(PoolTasks.PoolTestException.class.getName(), custom.remoteType());
  }

  @Test
  void theRemoteFramesBecomeTheCausesStackTrace() {
    TaskFailedException e = assertThrows(TaskFailedException.class, () -> pool.apply(PoolTasks::illegalState, "where"));
    StackTraceElement[] frames = e.getCause().getStackTrace();
    assertTrue(frames.length > 0, "no remote frames");
    assertEquals(PoolTasks.class.getName(), frames[0].getClassName());
    assertEquals("illegalState", frames[0].getMethodName());
  }

  @Test
  void aMethodThatIsNotATaskIsRefusedWithOneLine() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pool.map(PoolTasks::helper, List.of(1)));
    assertEquals("PoolTasks::helper is not a task: mark the static method @Task, or register it with "
        + "WorkqPool.local(n).task(name, fn)", e.getMessage());
    IllegalArgumentException lambda = assertThrows(IllegalArgumentException.class, () -> pool.apply((Integer x) -> x + 1, 1));
    assertTrue(lambda.getMessage().startsWith("a lambda in WorkqPoolTest is not a task"), lambda.getMessage());
    String s = "captured";
    IllegalArgumentException bound = assertThrows(IllegalArgumentException.class, () -> pool.apply(s::concat, "x"));
    assertTrue(bound.getMessage().contains("captures a value"), bound.getMessage());
  }

  @Test
  void applyAndApplyAsyncWithCallbacks() throws Exception {
    assertEquals(5, pool.apply(PoolTasks::add, 2, 3));
    assertEquals(12, pool.apply(PoolTasks::triple, 4));
    assertEquals(List.of(new PoolTasks.Range(0, 5), new PoolTasks.Range(5, 10)), pool.apply(PoolTasks::split, new PoolTasks.Range(0, 10)));

    CompletableFuture<Object> success = new CompletableFuture<>();
    AsyncResult<Long> ok = pool.applyAsync(PoolTasks::sum, new PoolTasks.Range(0, 101), success::complete, success::completeExceptionally);
    assertEquals(5050L, ok.get(Duration.ofSeconds(20)));
    assertEquals(5050L, success.get(20, TimeUnit.SECONDS));
    assertTrue(ok.ready());
    assertTrue(ok.successful());

    CompletableFuture<TaskFailedException> failure = new CompletableFuture<>();
    AsyncResult<Integer> bad = pool.applyAsync(PoolTasks::illegalState, "async", v -> failure.completeExceptionally(new AssertionError(v)),
        failure::complete);
    assertInstanceOf(IllegalStateException.class, failure.get(20, TimeUnit.SECONDS).getCause());
    assertTrue(bad.await(Duration.ofSeconds(20)));
    assertFalse(bad.successful());
    assertThrows(TaskFailedException.class, bad::get);

    AsyncResult<Long> slow = pool.applyAsync(PoolTasks::sleep, 500L);
    assertThrows(IllegalStateException.class, slow::successful);
    assertThrows(PoolTimeoutException.class, () -> slow.get(Duration.ofMillis(20)));
    assertEquals(500L, slow.get(Duration.ofSeconds(20)));
    assertTrue(slow.taskId().startsWith("pool-"), slow.taskId());
  }

  @Test
  void mapAsyncAndStarmapAsync() {
    assertEquals(List.of(1, 4, 9), pool.mapAsync(PoolTasks::square, List.of(1, 2, 3)).get(Duration.ofSeconds(20)));
    assertEquals(List.of(3, 7), pool.starmapAsync(PoolTasks::add, List.of(Args.of(1, 2), Args.of(3, 4))).get(Duration.ofSeconds(20)));
  }

  @Test
  void aHandlerOutsideTheProgramIsCalledByName() {
    Call<JsonNode> sleep = pool.task("sleep", JsonNode.class);
    assertEquals(5, sleep.apply(Map.of("ms", 5)).get("slept").asInt());
    assertEquals(List.of(1, 2), sleep.map(List.of(Map.of("ms", 1), Map.of("ms", 2))).stream().map(n -> n.get("slept").asInt()).toList());
  }

  @Test
  void aTimedOutMapCancelsItsTasks() {
    long start = System.nanoTime();
    PoolTimeoutException e = assertThrows(PoolTimeoutException.class,
        () -> pool.map(PoolTasks::sleep, List.of(3_000L, 3_000L), MapOptions.builder().timeout(Duration.ofMillis(300)).build()));
    assertTrue(e.getMessage().contains("cancelled"), e.getMessage());
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3), "the map waited for its tasks");
    // The workers are free again at once: their sleeps were revoked, not waited out.
    assertEquals(List.of(1, 4), pool.map(PoolTasks::square, List.of(1, 2), MapOptions.builder().timeout(Duration.ofSeconds(2)).build()));
  }

  private static long completed() {
    return pool.client().stats().queue(pool.queue()).map(QueueStats::completed).orElse(0L);
  }
}
