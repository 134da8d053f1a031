package dev.workq.worker.handlers;

import dev.workq.worker.api.JsonBytes;
import dev.workq.worker.api.TaskContext;
import dev.workq.worker.api.TaskHandler;

/**
 * {@code echo}: returns its payload unchanged. It takes the payload as {@link JsonBytes}, so the
 * bytes are checked once and sent back as they came, never mapped to a tree and written again.
 */
public final class EchoHandler implements TaskHandler<JsonBytes, JsonBytes> {

  @Override
  public String name() {
    return "echo";
  }

  @Override
  public Class<JsonBytes> inputType() {
    return JsonBytes.class;
  }

  @Override
  public JsonBytes handle(JsonBytes input, TaskContext context) {
    return input;
  }
}
