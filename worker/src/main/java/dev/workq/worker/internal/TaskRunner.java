package dev.workq.worker.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workq.client.Delivery;
import dev.workq.client.TaskResult;
import dev.workq.protocol.Json;
import dev.workq.protocol.Payload;
import dev.workq.protocol.outcome.TaskOutcome;
import dev.workq.worker.api.JsonBytes;
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

  /** Runs {@code delivery}'s task and sends its result record. */
  public void run(Delivery delivery) {
    Outcome outcome = execute(new Task(delivery.id(), delivery.queue(), delivery.handler(), delivery.attempts(),
        delivery.payload().bytes()));
    TaskOutcome result = outcome.result().outcome();
    byte[] bytes = result.encode().bytes();
    if (result.ok()) {
      delivery.complete(bytes);
    } else {
      delivery.fail(result.error(), outcome.permanent(), bytes);
    }
  }

  /** The fields of a task a handler run needs. */
  public record Task(String id, String queue, String handler, int attempts, byte[] payload) {}

  /**
   * A task's result record, and whether its failure is permanent: a payload that does not fit
   * its handler fails the same way on every attempt, so retrying it only delays the dead letter.
   */
  public record Outcome(TaskResult result, boolean permanent) {}

  /** Runs one task and returns its outcome; never throws. */
  public Outcome execute(Task task) {
    long start = System.nanoTime();
    Payload value = null;
    Throwable failure = null;
    try {
      // Straight to bytes: the value travels as the JSON written here, to the submitter. A handler
      // that returns JsonBytes has written it already.
      Object returned = invoke(task);
      value = returned instanceof JsonBytes raw ? Payload.wrap(raw.bytes()) : Payload.wrap(MAPPER.writeValueAsBytes(returned));
    } catch (Throwable t) {
      failure = t;
    }
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    String error = failure == null ? null : describe(failure);
    TaskOutcome result = failure == null
        ? TaskOutcome.success(task.id(), value, worker, task.attempts(), elapsedMs)
        : TaskOutcome.failure(task.id(), error, worker, task.attempts(), elapsedMs);
    return new Outcome(TaskResult.of(result), failure instanceof BadPayloadException);
  }

  @SuppressWarnings("unchecked")
  private Object invoke(Task task) throws Exception {
    TaskHandler<Object, Object> handler = (TaskHandler<Object, Object>) registry.get(task.handler());
    Object input;
    try {
      input = (Class<?>) handler.inputType() == JsonBytes.class ? JsonBytes.of(task.payload()) : MAPPER.readValue(task.payload(), handler.inputType());
    } catch (IllegalArgumentException e) {
      throw new BadPayloadException("payload does not fit handler '" + handler.name() + "' (input JsonBytes): "
          + firstLine(e.getMessage()), e);
    } catch (IOException e) {
      String detail = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new BadPayloadException("payload does not fit handler '" + handler.name() + "' (input "
          + handler.inputType().getSimpleName() + "): " + firstLine(detail), e);
    }
    return handler.handle(input, new Context(task));
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
    private final Task task;

    Context(Task task) {
      this.task = task;
    }

    @Override
    public String taskId() {
      return task.id();
    }

    @Override
    public String queue() {
      return task.queue();
    }

    @Override
    public int attempts() {
      return task.attempts();
    }

    @Override
    public String worker() {
      return worker;
    }
  }
}
