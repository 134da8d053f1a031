package dev.workq.pool.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.workq.client.TaskResult;
import dev.workq.client.WorkqException;
import dev.workq.pool.TaskCancelledException;
import dev.workq.pool.TaskFailedException;
import dev.workq.protocol.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a task's result record into the values (or failures) of its inputs: one for a single run,
 * one per input for a {@code :chunk} task, whose value is the array of per-input outcomes.
 */
public final class ResultDecoder {

  /** The error the broker writes for a task cancelled by request. */
  static final String CANCELLED_TYPE = "dev.workq.Cancelled";

  private static final ObjectMapper MAPPER = Json.mapper();

  private final ClassLoader loader;

  /** Exceptions are rebuilt with classes from {@code loader}. */
  public ResultDecoder(ClassLoader loader) {
    this.loader = loader;
  }

  /** The outcome of each of the {@code inputs} inputs of {@code result}'s task. */
  public List<InputResult> decode(TaskRef task, TaskResult result, int inputs, boolean chunk) {
    if (!result.ok()) {
      InputResult failed = new InputResult(null, failure(result.id(), result.error(), result.trace(), result.worker(), result.attempts()));
      return java.util.Collections.nCopies(inputs, failed);
    }
    if (!chunk) {
      return List.of(new InputResult(read(task, result, result.value()), null));
    }
    JsonNode outcomes = result.value();
    if (outcomes == null || !outcomes.isArray() || outcomes.size() != inputs) {
      throw new WorkqException("chunk task " + result.id() + " of " + task.display() + " returned "
          + (outcomes == null ? "nothing" : outcomes.size() + " outcomes") + " for " + inputs + " inputs");
    }
    List<InputResult> out = new ArrayList<>(inputs);
    for (JsonNode o : outcomes) {
      if (o.path("ok").asBoolean(false)) {
        out.add(new InputResult(read(task, result, o.get("value")), null));
      } else {
        List<String> trace = new ArrayList<>();
        o.path("trace").forEach(line -> trace.add(line.asText()));
        out.add(new InputResult(null, failure(result.id(), o.path("error").asText("unknown error"), trace, result.worker(),
            result.attempts())));
      }
    }
    return out;
  }

  /** The failure to throw for a task that failed with {@code error}. */
  public TaskFailedException failure(String taskId, String error, List<String> trace, String worker, int attempts) {
    String text = error == null ? "unknown error" : error;
    String type = RemoteErrors.type(text);
    Throwable cause = RemoteErrors.rebuild(text, trace, loader);
    if (type.equals(CANCELLED_TYPE)) {
      return new TaskCancelledException(taskId, RemoteErrors.message(text), worker, attempts, cause);
    }
    return new TaskFailedException(taskId, type, RemoteErrors.message(text), worker, attempts, cause);
  }

  private Object read(TaskRef task, TaskResult result, JsonNode value) {
    Class<?> raw = task.resultType().getRawClass();
    if (raw == void.class || raw == Void.class) {
      return null;
    }
    try {
      return MAPPER.readerFor(task.resultType()).readValue(value == null ? NullNode.getInstance() : value);
    } catch (IOException | IllegalArgumentException e) {
      throw new WorkqException("the result of task " + result.id() + " (" + task.display() + ") is not a "
          + task.resultType().toCanonical() + ": " + e.getMessage().lines().findFirst().orElse(""), e);
    }
  }
}
