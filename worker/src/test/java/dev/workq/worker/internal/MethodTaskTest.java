package dev.workq.worker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.TaskResult;
import dev.workq.worker.WorkerException;
import dev.workq.worker.api.JsonBytes;
import dev.workq.worker.api.PermanentFailure;
import dev.workq.worker.api.Task;
import dev.workq.worker.api.TaskContext;
import dev.workq.worker.tasks.TaskMethods;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A static method run as a task: its payload rules, its context, its failures and their traces, its chunks. */
class MethodTaskTest {

  record Range(long from, long to) {}

  @Task("m.span")
  static long span(Range r) {
    return r.to() - r.from();
  }

  @Task
  static String hello() {
    return "hello";
  }

  @Task
  static String join(String a, int b) {
    return a + b;
  }

  @Task
  static String whoAmI(int n, TaskContext context) {
    return context.taskId() + "#" + context.attempts() + "x" + n;
  }

  @Task
  static long total(List<Range> ranges) {
    // Summing r.to() would fail with a ClassCastException if the elements came as Maps.
    return ranges.stream().mapToLong(r -> r.to() - r.from()).sum();
  }

  @Task
  static String raw(JsonBytes first, JsonBytes second) {
    return first.text() + "|" + second.text();
  }

  @Task
  static int fail(int depth) throws Exception {
    if (depth > 0) {
      return fail(depth - 1);
    }
    try {
      return read();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("deep down", e);
    }
  }

  private static int read() throws java.io.IOException {
    throw new java.io.IOException("disk\ngone");
  }

  @Task(attempts = 3)
  static int flaky(int n) {
    throw new IllegalStateException("flaky " + n);
  }

  @Task(attempts = 3)
  static int refuses(int n) {
    throw new PermanentFailure("never " + n);
  }

  static final AtomicInteger RUNS = new AtomicInteger();

  @Task(attempts = 2)
  static int secondTime(int n) {
    if (RUNS.incrementAndGet() % 2 == 1) {
      throw new IllegalStateException("first run of " + n);
    }
    return n;
  }

  static final AtomicBoolean CANCELLED = new AtomicBoolean();

  @Task
  static int cancelsAt(int n) {
    if (n == 2) {
      CANCELLED.set(true);
    }
    return n;
  }

  @Task(attempts = 0)
  static int noRuns() {
    return 0;
  }

  int instance() {
    return 1;
  }

  private static Method method(String name) {
    for (Method m : MethodTaskTest.class.getDeclaredMethods()) {
      if (m.getName().equals(name)) {
        return m;
      }
    }
    throw new AssertionError("no method " + name);
  }

  private static MethodTask task(String method) {
    Method m = method(method);
    return MethodTask.of(m.isAnnotationPresent(Task.class) ? TaskMethods.nameOf(m) : method, m);
  }

  private static TaskRunner runner(MethodTask... tasks) {
    List<dev.workq.worker.api.TaskHandler<?, ?>> handlers = new java.util.ArrayList<>();
    for (MethodTask t : tasks) {
      handlers.add(t);
      handlers.add(ChunkTask.of(t));
    }
    return new TaskRunner(HandlerRegistry.of(handlers), "w:1");
  }

  private static TaskRunner.Outcome run(MethodTask task, String json) {
    return run(task, json, 1);
  }

  private static TaskRunner.Outcome run(MethodTask task, String json, int attempts) {
    return runner(task).execute(new TaskRunner.Task("t7", "q", task.name(), attempts, json.getBytes(StandardCharsets.UTF_8)));
  }

  /** Runs {@code task}'s chunk handler, by its {@code :chunk} name. */
  private static TaskRunner.Outcome runChunk(MethodTask task, String json) {
    return runner(task).execute(new TaskRunner.Task("t8", "q", TaskMethods.chunkName(task.name()), 1,
        json.getBytes(StandardCharsets.UTF_8)));
  }

  private static TaskResult ok(MethodTask task, String json) {
    TaskResult r = run(task, json).result();
    assertTrue(r.ok(), r.error());
    return r;
  }

  @Test
  void oneInputParameterTakesThePayloadItself() {
    assertEquals("m.span", task("span").name());
    assertEquals("700", ok(task("span"), "{\"from\":300,\"to\":1000}").value().toString());
  }

  @Test
  void noInputParametersTakeAnEmptyArrayOrNothing() {
    assertEquals("MethodTaskTest.hello", task("hello").name());
    assertEquals("\"hello\"", ok(task("hello"), "[]").value().toString());
    assertEquals("\"hello\"", ok(task("hello"), "null").value().toString());
  }

  @Test
  void severalInputParametersTakeAnArrayOneElementEach() {
    assertEquals("\"a7\"", ok(task("join"), "[\"a\",7]").value().toString());
    assertEquals("\"{\\\"x\\\": 1.50}|[2]\"", ok(task("raw"), "[{\"x\": 1.50},[2]]").value().toString());
  }

  @Test
  void aTrailingContextParameterIsGivenByTheWorkerNotThePayload() {
    assertEquals("\"t7#1x5\"", ok(task("whoAmI"), "5").value().toString());
  }

  @Test
  void aGenericParameterIsMappedToItsElementType() {
    assertEquals("15", ok(task("total"), "[{\"from\":0,\"to\":10},{\"from\":5,\"to\":10}]").value().toString());
  }

  @Test
  void aPayloadThatDoesNotFitIsAPermanentFailureNamingTheTask() {
    for (String[] c : new String[][] {{"join", "[\"a\"]", "the array has 1 elements, the method takes 2"},
        {"join", "[\"a\",1,2]", "the array has 3 elements, the method takes 2"},
        {"join", "{\"a\":1}", "expected a JSON array of its 2 arguments"},
        {"span", "{\"from\":\"x\"}", "Cannot deserialize"},
        {"hello", "[] []", "not one JSON value"}}) {
      TaskRunner.Outcome o = run(task(c[0]), c[1]);
      assertFalse(o.result().ok(), c[1]);
      assertTrue(o.permanent(), c[1]);
      String error = o.result().error();
      assertTrue(error.startsWith(BadPayloadException.class.getName() + ": payload does not fit "), error);
      assertTrue(error.contains("'" + task(c[0]).name() + "'"), error);
      assertTrue(error.contains(c[2]), error);
      assertEquals(List.of(), o.result().trace(), "the worker's own refusal carries no trace");
    }
  }

  @Test
  void theMethodsOwnExceptionIsReportedWithItsTraceAndIsPermanent() {
    TaskRunner.Outcome o = run(task("fail"), "2");
    TaskResult r = o.result();
    assertFalse(r.ok());
    assertEquals("java.lang.IllegalStateException: deep down", r.error(), "not the InvocationTargetException around it");
    assertTrue(o.permanent(), "a method task's exception goes straight back, like a function call's");
    List<String> trace = r.trace();
    assertTrue(trace.get(0).startsWith(MethodTaskTest.class.getName() + ".fail(MethodTaskTest.java:"), trace.toString());
    int cause = trace.indexOf("Caused by: java.io.IOException: disk");
    assertEquals(3, trace.subList(0, Math.max(cause, 0)).stream().filter(l -> l.contains(".fail(")).count(), trace.toString());
    assertTrue(cause > 0, "the cause's line, with the first line of its message: " + trace);
    assertEquals(cause, 3, "the task's frames, then its cause: " + trace);
    assertTrue(trace.get(cause + 1).startsWith(MethodTaskTest.class.getName() + ".read(MethodTaskTest.java:"), trace.toString());
    assertTrue(trace.get(cause + 2).startsWith(MethodTaskTest.class.getName() + ".fail(MethodTaskTest.java:"), trace.toString());
    assertEquals(cause + 3, trace.size(), "the cause's frames in common with the task's are left out: " + trace);
    assertTrue(trace.stream().noneMatch(l -> l.contains("reflect") || l.contains("dev.workq.worker.internal.MethodTask.")
        || l.contains("TaskRunner")), "the worker's and reflection's frames are left out: " + trace);
    // The record carries it on the wire.
    assertEquals(trace, TaskResult.parse(r.outcome().encode()).trace());
  }

  @Test
  void attemptsAboveOneRetryTheTaskUntilTheLastRun() {
    TaskRunner.Outcome first = run(task("flaky"), "1", 1);
    assertFalse(first.result().ok());
    assertFalse(first.permanent(), "@Task(attempts = 3): the first failure is retried");
    assertFalse(run(task("flaky"), "1", 2).permanent());
    assertTrue(run(task("flaky"), "1", 3).permanent(), "the third run was the last");
    assertTrue(run(task("refuses"), "1", 1).permanent(), "a PermanentFailure is not retried whatever the attempts");
  }

  @Test
  void aMethodThatIsNotStaticOrAsksForNoRunsIsRefused() {
    assertEquals("task 'x': " + MethodTaskTest.class.getName() + ".instance is not static: a task method must be static",
        assertThrows(WorkerException.class, () -> MethodTask.of("x", method("instance"))).getMessage());
    assertEquals("task 'y': " + MethodTaskTest.class.getName() + ".noRuns has @Task(attempts = 0): attempts must be 1..1000",
        assertThrows(WorkerException.class, () -> MethodTask.of("y", method("noRuns"))).getMessage());
  }

  @Test
  void aChunkRunsEachInputAndReportsEachOutcome() throws Exception {
    TaskRunner.Outcome o = runChunk(task("join"), "[[\"a\",1],[\"b\"],[\"c\",3]]");
    TaskResult r = o.result();
    assertTrue(r.ok(), "a chunk with a failed input is itself ok: " + r.error());
    assertEquals(3, r.value().size());
    assertEquals("{\"ok\":true,\"value\":\"a1\"}", r.value().get(0).toString());
    assertFalse(r.value().get(1).get("ok").asBoolean());
    assertTrue(r.value().get(1).get("error").asText().contains("the array has 1 elements"), r.value().get(1).toString());
    assertEquals("{\"ok\":true,\"value\":\"c3\"}", r.value().get(2).toString());
  }

  @Test
  void aChunkWhoseInputsAllThrowIsOkWithEachErrorAndTrace() {
    TaskResult r = runChunk(task("fail"), "[0,1]").result();
    assertTrue(r.ok(), r.error());
    for (int i = 0; i < 2; i++) {
      var outcome = r.value().get(i);
      assertEquals(Map.of("ok", false, "error", "java.lang.IllegalStateException: deep down"),
          Map.of("ok", outcome.get("ok").asBoolean(), "error", outcome.get("error").asText()));
      assertTrue(outcome.get("trace").get(0).asText().contains(".fail(MethodTaskTest.java:"), outcome.toString());
    }
  }

  @Test
  void aChunkRunsAnInputAgainUpToItsAttempts() {
    RUNS.set(0);
    TaskResult r = runChunk(task("secondTime"), "[4,5]").result();
    assertEquals("[{\"ok\":true,\"value\":4},{\"ok\":true,\"value\":5}]", r.value().toString());
    assertEquals(4, RUNS.get(), "each input failed once and passed on its second run");
    String refused = runChunk(task("refuses"), "[1]").result().value().toString();
    assertTrue(refused.startsWith("[{\"ok\":false,\"error\":\"dev.workq.worker.api.PermanentFailure: never 1\",\"trace\":[\""), refused);
  }

  @Test
  void aCancelledChunkStopsBeforeTheNextInput() throws Exception {
    CANCELLED.set(false);
    ChunkTask chunk = ChunkTask.of(task("cancelsAt"));
    TaskContext context = new TaskContext() {
      @Override
      public String taskId() {
        return "c1";
      }

      @Override
      public String queue() {
        return "q";
      }

      @Override
      public int attempts() {
        return 1;
      }

      @Override
      public String worker() {
        return "w:1";
      }

      @Override
      public boolean cancelled() {
        return CANCELLED.get();
      }
    };
    JsonBytes out = chunk.handle(JsonBytes.of("[1,2,3,4]"), context);
    assertEquals("[{\"ok\":true,\"value\":1},{\"ok\":true,\"value\":2}]", out.text());
  }

  @Test
  void aChunkPayloadThatIsNotAnArrayIsAPermanentFailure() {
    for (String bad : List.of("{\"a\":1}", "[1,2", "[1] 2")) {
      TaskRunner.Outcome o = runChunk(task("span"), bad);
      assertFalse(o.result().ok(), bad);
      assertTrue(o.permanent(), bad);
      assertTrue(o.result().error().contains(" 'm.span:chunk'"), o.result().error());
    }
  }

  @Test
  void aChunkKeepsEachInputsBytes() {
    TaskResult r = runChunk(task("raw"), "[[{\"x\": 1.50},\"s\"]]").result();
    assertEquals("[{\"ok\":true,\"value\":\"{\\\"x\\\": 1.50}|\\\"s\\\"\"}]", r.value().toString());
    assertNull(runChunk(task("hello"), "[]").result().error());
  }
}
