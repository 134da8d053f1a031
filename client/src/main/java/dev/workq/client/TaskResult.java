package dev.workq.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.workq.protocol.Json;
import dev.workq.protocol.Payload;

/**
 * A task's result record, as it sits on a done queue and as the CLI prints it.
 *
 * @param id the task's id
 * @param ok whether the handler returned normally
 * @param value what the handler returned (JSON), when ok
 * @param error exception class and message, when not ok
 * @param worker {@code host:pid} of the worker that ran it
 * @param attempts deliveries of the task, the one that produced this result included
 * @param elapsedMs time the handler ran, in milliseconds
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record TaskResult(String id, boolean ok, JsonNode value, String error, String worker, int attempts,
    long elapsedMs) {

  public TaskResult {
    // JSON null and a missing value mean the same: no value.
    if (value != null && value.isNull()) {
      value = null;
    }
  }

  /** The value mapped to {@code type} with Jackson. */
  public <T> T valueAs(Class<T> type) {
    try {
      return Json.mapper().treeToValue(value, type);
    } catch (JsonProcessingException e) {
      throw new WorkqException("result " + id + " is not a " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
    }
  }

  /** One line of JSON, as the CLI prints it. */
  public String toJson() {
    try {
      return Json.mapper().writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses a result record from a done queue item. */
  public static TaskResult parse(Payload payload) {
    try {
      return Json.mapper().readValue(payload.bytes(), TaskResult.class);
    } catch (java.io.IOException e) {
      throw new WorkqException("malformed result record: " + e.getMessage(), e);
    }
  }
}
