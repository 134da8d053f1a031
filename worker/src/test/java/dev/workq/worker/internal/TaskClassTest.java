package dev.workq.worker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.worker.api.RetryPolicy;
import dev.workq.worker.api.Task;
import dev.workq.worker.api.TaskContext;
import dev.workq.worker.api.TaskHandler;
import dev.workq.worker.handlers.EchoHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A handler class marked {@link Task}: its name and its retries come from the annotation. */
class TaskClassTest {

  @Task("wc")
  public static final class WordCount implements TaskHandler<String, Integer> {
    @Override
    public Class<String> inputType() {
      return String.class;
    }

    @Override
    public Integer handle(String input, TaskContext context) {
      if (input.isEmpty()) {
        throw new IllegalArgumentException("nothing to count");
      }
      return input.split(" ").length;
    }
  }

  @Task(value = "wc3", attempts = 3)
  public static final class Patient implements TaskHandler<String, Integer> {
    @Override
    public Class<String> inputType() {
      return String.class;
    }

    @Override
    public Integer handle(String input, TaskContext context) {
      throw new IllegalStateException("not yet");
    }
  }

  public static final class Unnamed implements TaskHandler<String, String> {
    @Override
    public Class<String> inputType() {
      return String.class;
    }

    @Override
    public String handle(String input, TaskContext context) {
      return input;
    }
  }

  private static TaskRunner.Outcome run(TaskHandler<?, ?> h, String handler, String json, int attempts) {
    TaskRunner runner = new TaskRunner(HandlerRegistry.of(List.of(h, ChunkTask.of(ChunkTask.erase(h)))), "w:1");
    return runner.execute(new TaskRunner.Task("t1", "q", handler, attempts, json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void theNameIsTheAnnotationsWithoutANameMethod() {
    assertEquals("wc", new WordCount().name());
    assertEquals("echo", new EchoHandler().name(), "a handler with its own name() keeps it");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Unnamed().name());
    assertEquals(Unnamed.class.getName() + " has no name: mark the class @Task(\"name\") or override name()", e.getMessage());
  }

  @Test
  void aTaskClassFailsPermanentlyUnlessItAsksForMoreRuns() {
    TaskRunner.Outcome once = run(new WordCount(), "wc", "\"\"", 1);
    assertFalse(once.result().ok());
    assertTrue(once.permanent(), "@Task with the default attempts: straight back to the caller");
    assertEquals("java.lang.IllegalArgumentException: nothing to count", once.result().error());
    assertTrue(once.result().trace().get(0).startsWith(WordCount.class.getName() + ".handle("), once.result().trace().toString());
    assertFalse(run(new Patient(), "wc3", "\"x\"", 1).permanent());
    assertTrue(run(new Patient(), "wc3", "\"x\"", 3).permanent());
    assertSame(RetryPolicy.BROKER, new Unnamed().retryPolicy(), "a handler without @Task keeps the broker's retries");
  }

  @Test
  void aTaskClassHasAChunkToo() {
    TaskRunner.Outcome chunk = run(new WordCount(), "wc:chunk", "[\"a b\",\"\",7]", 1);
    assertTrue(chunk.result().ok(), chunk.result().error());
    assertEquals(2, chunk.result().value().get(0).get("value").asInt());
    assertEquals("java.lang.IllegalArgumentException: nothing to count", chunk.result().value().get(1).get("error").asText());
    assertEquals(3, chunk.result().value().size());
  }
}
