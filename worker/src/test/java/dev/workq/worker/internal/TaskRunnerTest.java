package dev.workq.worker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.TaskResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskRunnerTest {

  private final TaskRunner runner = new TaskRunner(HandlerRegistry.load(List.of(), false), "host-a:4242");
  private final TaskRunner execRunner = new TaskRunner(HandlerRegistry.load(List.of(), true), "host-a:4242");

  private static TaskRunner.Task task(String handler, String json) {
    return new TaskRunner.Task("t1", "tasks", handler, 1, json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void echoReturnsItsPayload() {
    TaskResult r = runner.execute(task("echo", "{\"a\":[1,2,3]}")).result();
    assertTrue(r.ok());
    assertEquals("{\"a\":[1,2,3]}", r.value().toString());
    assertEquals("host-a:4242", r.worker());
    assertEquals("t1", r.id());
    assertEquals(1, r.attempts());
    assertNull(r.error());
  }

  @Test
  void echoSendsThePayloadBytesBackAsTheyCameAndCompactsLineBreaks() {
    byte[] payload = "{\"b\": 1.50, \"a\": \"x\\u00e9\"}".getBytes(StandardCharsets.UTF_8);
    TaskRunner.Task t = new TaskRunner.Task("t2", "tasks", "echo", 1, payload);
    TaskResult r = runner.execute(t).result();
    assertTrue(r.ok(), r.error());
    // Not mapped and written again: spacing, number spelling and escapes survive byte for byte.
    assertTrue(r.outcome().encode().utf8().contains(",\"value\":{\"b\": 1.50, \"a\": \"x\\u00e9\"},"), r.outcome().encode().utf8());
    TaskResult pretty = runner.execute(task("echo", "{\n  \"a\": [1,\r\n 2]\n}")).result();
    assertTrue(pretty.ok(), pretty.error());
    assertFalse(pretty.outcome().encode().utf8().contains("\n"), "a result record is one line");
    assertEquals("{\"a\":[1,2]}", pretty.value().toString());
    TaskRunner.Outcome trailing = runner.execute(task("echo", "{} {}"));
    assertFalse(trailing.result().ok());
    assertTrue(trailing.permanent());
    assertTrue(trailing.result().error().contains("not one JSON value"), trailing.result().error());
  }

  @Test
  void sleepReturnsAfterTheGivenTime() {
    TaskResult r = runner.execute(task("sleep", "{\"ms\":30}")).result();
    assertTrue(r.ok(), r.error());
    assertEquals(30, r.value().get("slept").asLong());
    assertTrue(r.elapsedMs() >= 29, "elapsed " + r.elapsedMs());
  }

  @Test
  void unknownHandlerGivesAnErrorResultNamingIt() {
    TaskResult r = runner.execute(task("nope", "{}")).result();
    assertFalse(r.ok());
    assertNull(r.value());
    assertTrue(r.error().startsWith(UnknownHandlerException.class.getName() + ": no handler named 'nope'"), r.error());
    assertTrue(r.error().contains("echo"), r.error());
  }

  @Test
  void payloadThatDoesNotFitTheInputTypeGivesAnErrorResult() {
    TaskResult r = runner.execute(task("sleep", "{\"ms\":\"soon\"}")).result();
    assertFalse(r.ok());
    assertTrue(r.error().startsWith(BadPayloadException.class.getName() + ": payload does not fit handler 'sleep'"), r.error());
    TaskResult range = runner.execute(task("pi", "{\"digits\":-4}")).result();
    assertFalse(range.ok());
    assertTrue(range.error().contains("digits must be"), range.error());
    TaskRunner.Outcome malformed = runner.execute(task("echo", "{not json"));
    assertFalse(malformed.result().ok());
    assertTrue(malformed.permanent(), "a payload that does not parse is not worth retrying");
  }

  @Test
  void execIsRefusedUnlessAllowed() {
    TaskResult r = runner.execute(task("exec", "{\"argv\":[\"true\"]}")).result();
    assertFalse(r.ok());
    assertTrue(r.error().contains("--allow-exec"), r.error());
    assertFalse(HandlerRegistry.load(List.of(), false).names().contains("exec"));
  }

  @Test
  void execRunsACommandWhenAllowed() {
    TaskResult r = execRunner.execute(task("exec", "{\"argv\":[\"sh\",\"-c\",\"echo out; echo err >&2; exit 3\"]}")).result();
    assertTrue(r.ok(), r.error());
    assertEquals(3, r.value().get("exitCode").asInt());
    assertEquals("out\n", r.value().get("stdout").asText());
    assertEquals("err\n", r.value().get("stderr").asText());
  }

  @Test
  void execThatOverrunsItsTimeoutIsKilledAndReported() {
    TaskResult r = execRunner.execute(task("exec", "{\"argv\":[\"sleep\",\"5\"],\"timeoutMs\":100}")).result();
    assertFalse(r.ok());
    assertTrue(r.error().contains("killed"), r.error());
    assertTrue(r.elapsedMs() < 4000, "took " + r.elapsedMs());
  }

  @Test
  void missingHandlerJarIsAOneLineStartupError() {
    var e = org.junit.jupiter.api.Assertions.assertThrows(dev.workq.worker.WorkerException.class,
        () -> HandlerRegistry.load(List.of(java.nio.file.Path.of("/nonexistent/h.jar")), false));
    assertEquals("handler jar /nonexistent/h.jar does not exist", e.getMessage());
  }
}
