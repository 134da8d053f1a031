package dev.workq.worker.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workq.client.TaskResult;
import dev.workq.protocol.Json;
import dev.workq.protocol.Payload;
import dev.workq.protocol.outcome.TaskOutcome;
import dev.workq.worker.api.JsonBytes;
import dev.workq.worker.api.PermanentFailure;
import dev.workq.worker.api.RetryPolicy;
import dev.workq.worker.api.TaskContext;
import dev.workq.worker.api.TaskHandler;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Runs one task delivery: finds its handler, maps the payload to the handler's input type, calls
 * it, and sends the result record, with the failure's trace when it failed. Whatever the handler
 * does (throw, return something Jackson cannot map), the task gets exactly one result and the
 * worker goes on.
 */
public final class TaskRunner {

  private static final ObjectMapper MAPPER = Json.mapper();

  private final HandlerRegistry registry;
  private final String worker;

  public TaskRunner(HandlerRegistry registry, String worker) {
    this.registry = registry;
    this.worker = worker;
  }

  /**
   * Runs {@code delivery}'s task and sends its result record: a failure as permanent when retrying
   * cannot help (a payload that does not fit, a {@link PermanentFailure}, the handler's attempts
   * used up), else with the handler's backoff. Nothing is sent for a task cancelled while it ran.
   *
   * @return whether a result was sent
   */
  public boolean run(WorkItem delivery, CancelSignal cancel) {
    Outcome outcome = execute(new Task(delivery.id(), delivery.queue(), delivery.handler(), delivery.attempts(),
        delivery.payload()), cancel);
    if (cancel.isCancelled() || delivery.isRevoked()) {
      return false;
    }
    TaskOutcome result = outcome.result().outcome();
    byte[] bytes = result.encode().bytes();
    if (result.ok()) {
      delivery.complete(bytes);
    } else if (outcome.permanent() || outcome.retryAfter() == null) {
      delivery.fail(result.error(), outcome.permanent(), bytes);
    } else {
      delivery.fail(result.error(), outcome.retryAfter(), bytes);
    }
    return true;
  }

  /** The fields of a task a handler run needs. */
  public record Task(String id, String queue, String handler, int attempts, byte[] payload) {}

  /**
   * A task's result record; whether its failure is permanent (a payload that does not fit its
   * handler fails the same way on every attempt, so retrying it only delays the dead letter; a
   * {@link PermanentFailure} says so; the handler's {@link RetryPolicy} may have run out); and the
   * handler's backoff before the next attempt, or null for the broker's.
   */
  public record Outcome(TaskResult result, boolean permanent, Duration retryAfter) {}

  /** Runs one task that cannot be cancelled and returns its outcome; never throws. */
  public Outcome execute(Task task) {
    return execute(task, CancelSignal.none());
  }

  /** Runs one task and returns its outcome; never throws. {@code cancel} is what its context reports. */
  public Outcome execute(Task task, CancelSignal cancel) {
    long start = System.nanoTime();
    Payload value = null;
    Throwable failure = null;
    List<String> trace = null;
    RetryPolicy policy = RetryPolicy.BROKER;
    try {
      TaskHandler<Object, Object> handler = handler(task);
      RetryPolicy declared = handler.retryPolicy();
      policy = declared == null ? RetryPolicy.BROKER : declared;
      // Straight to bytes: the value travels as the JSON written here, to the submitter. A handler
      // that returns JsonBytes has written it already.
      Object returned = invoke(handler, task, cancel);
      value = returned instanceof JsonBytes raw ? Payload.wrap(raw.bytes()) : Payload.wrap(MAPPER.writeValueAsBytes(returned));
    } catch (Throwable t) {
      failure = t;
      // Taken here, so the trace leaves out the frames below this one: the worker's, not the task's.
      trace = Failures.trace(t, Thread.currentThread().getStackTrace());
    }
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    TaskOutcome result = failure == null
        ? TaskOutcome.success(task.id(), value, worker, task.attempts(), elapsedMs)
        : TaskOutcome.failure(task.id(), Failures.describe(failure), worker, task.attempts(), elapsedMs, trace);
    if (failure == null) {
      return new Outcome(TaskResult.of(result), false, null);
    }
    boolean permanent = failure instanceof BadPayloadException || Failures.isPermanent(failure) || policy.exhausted(task.attempts());
    return new Outcome(TaskResult.of(result), permanent, permanent ? null : policy.backoff(task.attempts()));
  }

  @SuppressWarnings("unchecked")
  private TaskHandler<Object, Object> handler(Task task) throws Exception {
    return (TaskHandler<Object, Object>) registry.get(task.handler());
  }

  private Object invoke(TaskHandler<Object, Object> handler, Task task, CancelSignal cancel) throws Exception {
    Object input = input(handler, task.payload());
    if (!cancel.start()) {
      throw new InterruptedException("cancelled before it started");
    }
    try {
      return handler.handle(input, new Context(task, cancel));
    } finally {
      cancel.finished();
    }
  }

  /**
   * {@code payload} mapped to {@code handler}'s input type: a task's own payload here, one input of
   * a chunk in {@link ChunkTask}.
   *
   * @throws BadPayloadException if it does not map
   */
  static Object input(TaskHandler<?, ?> handler, byte[] payload) throws BadPayloadException {
    try {
      return (Class<?>) handler.inputType() == JsonBytes.class ? JsonBytes.of(payload) : MAPPER.readValue(payload, handler.inputType());
    } catch (IllegalArgumentException e) {
      throw new BadPayloadException("payload does not fit handler '" + handler.name() + "' (input JsonBytes): "
          + Failures.firstLine(e.getMessage()), e);
    } catch (IOException e) {
      String detail = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new BadPayloadException("payload does not fit handler '" + handler.name() + "' (input "
          + handler.inputType().getSimpleName() + "): " + Failures.firstLine(detail), e);
    }
  }

  private final class Context implements TaskContext {
    private final Task task;
    private final CancelSignal cancel;

    Context(Task task, CancelSignal cancel) {
      this.task = task;
      this.cancel = cancel;
    }

    @Override
    public boolean cancelled() {
      return cancel.isCancelled();
    }

    @Override
    public void onCancel(Runnable action) {
      cancel.onCancel(action);
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
