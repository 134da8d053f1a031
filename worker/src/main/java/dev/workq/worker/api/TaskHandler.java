package dev.workq.worker.api;

/**
 * A task handler: the code a worker runs for tasks that name it. Implement this, list the class in
 * {@code META-INF/services/dev.workq.worker.api.TaskHandler}, put the jar on the worker's
 * classpath or pass it with {@code --handlers}.
 *
 * <p>Input and output are plain Java types mapped from and to JSON by Jackson: a record, a
 * {@code Map}, a {@code JsonNode}; or {@link JsonBytes} to take or return the JSON bytes as they are,
 * without mapping them. A handler that throws produces a result with {@code ok=false}
 * and the exception's class and message; the worker goes on with the next task. The task is
 * retried (within its attempts and {@link #retryPolicy()}) unless the handler threw a
 * {@link PermanentFailure}. A cancelled task is told through {@link TaskContext#cancelled()}. Handlers run on
 * several threads at once (the worker's concurrency) and must be thread-safe.
 *
 * <p>A class marked {@link Task} needs no services file: a worker finds it on its task path or in a
 * {@code --handlers} jar, and {@link #name()} reads the annotation, so {@code @Task("wc") class
 * WordCount implements TaskHandler<In, Out>} needs no {@code name()} method of its own.
 *
 * @param <I> the input type the task's JSON payload is mapped to
 * @param <O> the output type, mapped to the result's JSON value
 */
public interface TaskHandler<I, O> {

  /**
   * The name tasks use to ask for this handler, e.g. {@code "resize-image"}. By default the value of
   * the class's {@link Task} annotation.
   *
   * @throws IllegalStateException if the class neither overrides this nor carries
   *     {@code @Task("name")}
   */
  default String name() {
    Task task = getClass().getAnnotation(Task.class);
    if (task == null || task.value().isEmpty()) {
      throw new IllegalStateException(getClass().getName() + " has no name: mark the class @Task(\"name\") or override name()");
    }
    return task.value();
  }

  /** The class the payload is mapped to. */
  Class<I> inputType();

  /** Runs one task. */
  O handle(I input, TaskContext context) throws Exception;

  /**
   * How this handler's failed tasks are retried. By default, for a class marked {@link Task},
   * {@link RetryPolicy#maxAttempts} of its {@link Task#attempts()} (so, as for a task method, an
   * exception goes straight back to the caller unless it asks for more runs); for any other class
   * {@link RetryPolicy#BROKER}: the task's attempts and the broker's backoff.
   */
  default RetryPolicy retryPolicy() {
    Task task = getClass().getAnnotation(Task.class);
    return task == null ? RetryPolicy.BROKER : RetryPolicy.maxAttempts(task.attempts());
  }
}
