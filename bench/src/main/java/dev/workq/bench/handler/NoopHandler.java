package dev.workq.bench.handler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workq.worker.api.TaskContext;
import dev.workq.worker.api.TaskHandler;

/**
 * {@code noop}: does nothing and returns null, so a benchmark measures the queue and not the work.
 * Shipped alone in {@code workq-bench-*-handlers.jar} for {@code workq worker --handlers}.
 */
public final class NoopHandler implements TaskHandler<JsonNode, Object> {

  /** The handler name tasks ask for. */
  public static final String NAME = "noop";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Class<JsonNode> inputType() {
    return JsonNode.class;
  }

  @Override
  public Object handle(JsonNode input, TaskContext context) {
    return null;
  }
}
