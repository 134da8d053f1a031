package dev.workq.client;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.workq.protocol.Json;
import dev.workq.protocol.Payload;
import dev.workq.protocol.outcome.TaskOutcome;
import dev.workq.protocol.outcome.TaskOutcomeCodec;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * A task's result record, as it sits on a done queue and as the CLI prints it: the client's view
 * of a {@link TaskOutcome}. The value stays the JSON bytes the worker wrote until it is asked for,
 * as a tree ({@link #value()}) or mapped straight to a type ({@link #valueAs}). Jackson writes and
 * reads it as the record itself, so it can sit inside an application's own JSON.
 */
@JsonSerialize(using = TaskResult.AsRecord.class)
@JsonDeserialize(using = TaskResult.FromRecord.class)
public final class TaskResult {

  private final TaskOutcome outcome;
  private JsonNode tree;

  private TaskResult(TaskOutcome outcome) {
    this.outcome = Objects.requireNonNull(outcome, "outcome");
  }

  /**
   * A result record from its fields, as a worker that is not the workq worker would build it.
   *
   * @param id the task's id
   * @param ok whether the handler returned normally
   * @param value what the handler returned (JSON), when ok; null or JSON null for none
   * @param error exception class and message, when not ok
   * @param worker {@code host:pid} of the worker that ran it
   * @param attempts deliveries of the task, the one that produced this result included
   * @param elapsedMs time the handler ran, in milliseconds
   */
  public TaskResult(String id, boolean ok, JsonNode value, String error, String worker, int attempts, long elapsedMs) {
    this(new TaskOutcome(id, ok, bytesOf(value), error, worker, attempts, elapsedMs));
  }

  private static Payload bytesOf(JsonNode value) {
    if (value == null || value.isNull()) {
      return null;
    }
    try {
      return Payload.wrap(Json.mapper().writeValueAsBytes(value));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("value is not writable as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** The client's view of {@code outcome}. */
  public static TaskResult of(TaskOutcome outcome) {
    return new TaskResult(outcome);
  }

  /** Parses a result record from a done queue item. */
  public static TaskResult parse(Payload payload) {
    try {
      return new TaskResult(TaskOutcomeCodec.decode(payload));
    } catch (IllegalArgumentException e) {
      throw new WorkqException("malformed result record: " + e.getMessage(), e);
    }
  }

  /** The task's id. */
  public String id() {
    return outcome.id();
  }

  /** Whether the handler returned normally. */
  public boolean ok() {
    return outcome.ok();
  }

  /** What the handler returned, as a JSON tree (parsed on first use); null for none. */
  public synchronized JsonNode value() {
    if (tree == null && outcome.value() != null) {
      try {
        tree = Json.mapper().readTree(outcome.value().bytes());
      } catch (IOException e) {
        throw new WorkqException("result " + id() + " has a value that is not JSON: " + e.getMessage(), e);
      }
    }
    return tree;
  }

  /** The value mapped to {@code type} with Jackson, from its bytes (null for none). */
  public <T> T valueAs(Class<T> type) {
    if (outcome.value() == null) {
      return null;
    }
    try {
      return Json.mapper().readValue(outcome.value().bytes(), type);
    } catch (IOException e) {
      String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new WorkqException("result " + id() + " is not a " + type.getSimpleName() + ": " + why, e);
    }
  }

  /** Exception class and message, when not ok. */
  public String error() {
    return outcome.error();
  }

  /** {@code host:pid} of the worker that ran it; null in a record the broker wrote. */
  public String worker() {
    return outcome.worker();
  }

  /** Deliveries of the task, the one that produced this result included. */
  public int attempts() {
    return outcome.attempts();
  }

  /** Time the handler ran, in milliseconds. */
  public long elapsedMs() {
    return outcome.elapsedMs();
  }

  /**
   * Where a failure the worker caught was thrown: stack frames as
   * {@link StackTraceElement#toString()} writes them, then for each cause a line
   * {@code Caused by: class: first line of its message} followed by its frames; at most 64 lines.
   * Empty when the record has none: a success, a record the broker wrote, an older worker's.
   */
  public List<String> trace() {
    return outcome.trace() == null ? List.of() : outcome.trace();
  }

  /** The record itself. */
  public TaskOutcome outcome() {
    return outcome;
  }

  /** One line of JSON, as the CLI prints it. */
  public String toJson() {
    return outcome.encode().utf8();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TaskResult r && outcome.equals(r.outcome);
  }

  @Override
  public int hashCode() {
    return outcome.hashCode();
  }

  @Override
  public String toString() {
    return toJson();
  }

  /** Writes a result as its record's JSON. */
  static final class AsRecord extends StdSerializer<TaskResult> {
    AsRecord() {
      super(TaskResult.class);
    }

    @Override
    public void serialize(TaskResult result, JsonGenerator gen, SerializerProvider provider) throws IOException {
      gen.writeRawValue(result.toJson());
    }
  }

  /** Reads a result from its record's JSON. */
  static final class FromRecord extends StdDeserializer<TaskResult> {
    FromRecord() {
      super(TaskResult.class);
    }

    @Override
    public TaskResult deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonNode tree = ctxt.readTree(p);
      return parse(Payload.wrap(Json.mapper().writeValueAsBytes(tree)));
    }
  }
}
