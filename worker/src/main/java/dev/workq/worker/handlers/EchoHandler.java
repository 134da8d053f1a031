package dev.workq.worker.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workq.worker.api.TaskContext;
import dev.workq.worker.api.TaskHandler;

/** {@code echo}: returns its payload unchanged. */
public final class EchoHandler implements TaskHandler<JsonNode, JsonNode> {

  @Override
  public String name() {
    return "echo";
  }

  @Override
  public Class<JsonNode> inputType() {
    return JsonNode.class;
  }

  @Override
  public JsonNode handle(JsonNode input, TaskContext context) {
    return input;
  }
}
