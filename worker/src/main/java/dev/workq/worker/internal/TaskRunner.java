package dev.workq.worker.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workq.client.Delivery;
import dev.workq.client.TaskResult;
import dev.workq.protocol.Json;
import dev.workq.worker.api.TaskContext;
import dev.workq.worker.api.TaskHandler;
import java.io.IOException;

/**
 * Runs one task delivery: finds its handler, maps the payload to the handler's input type, calls
 * it, and sends the result record. Whatever the handler does (throw, return something Jackson
 * cannot map), the task gets exactly one result and the worker goes on.
 */
public final class TaskRunner {

  private static final ObjectMapper MAPPER = Json.mapper();

  private final HandlerRegistry registry;
  private final String worker;

  public TaskRunner(HandlerRegistry registry, String worker) {
    this.registry = registry;
    this.worker = worker;
  }

  public void run(Delivery delivery) {
    long start = System.nanoTime();
    JsonNode value = null;
    String error = null;
    try {
      value = MAPPER.valueToTree(invoke(delivery));
    } catch (Throwable t) {
      error = describe(t);
    }
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    TaskResult result = new TaskResult(delivery.id(), error == null, value, error, worker, delivery.attempts(), elapsedMs);
    byte[] bytes;
    try {
      bytes = MAPPER.writeValueAsBytes(result);
    } catch (JsonProcessingException e) {
      result = new TaskResult(delivery.id(), false, null, describe(e), worker, delivery.attempts(), elapsedMs);
      bytes = result.toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    delivery.complete(result.ok(), bytes);
  }

  @SuppressWarnings("unchecked")
  private Object invoke(Delivery delivery) throws Exception {
    TaskHandler<Object, Object> handler = (TaskHandler<Object, Object>) registry.get(delivery.handler());
    Object input;
    try {
      input = MAPPER.readValue(delivery.payload().bytes(), handler.inputType());
    } catch (IOException e) {
      String detail = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new BadPayloadException("payload does not fit handler '" + handler.name() + "' (input "
          + handler.inputType().getSimpleName() + "): " + firstLine(detail), e);
    }
    return handler.handle(input, new Context(delivery));
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    return t.getClass().getName() + (m == null ? "" : ": " + firstLine(m));
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private final class Context implements TaskContext {
    private final Delivery delivery;

    Context(Delivery delivery) {
      this.delivery = delivery;
    }

    @Override
    public String taskId() {
      return delivery.id();
    }

    @Override
    public String queue() {
      return delivery.queue();
    }

    @Override
    public int attempts() {
      return delivery.attempts();
    }

    @Override
    public String worker() {
      return worker;
    }
  }
}
