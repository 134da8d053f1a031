package dev.workq.pool;

import java.io.Serializable;

/**
 * A task of one argument, given as a method reference to a static method marked
 * {@link dev.workq.worker.api.Task} (or registered with {@link LocalBuilder#task(String, TaskFn)}), e.g.
 * {@code Pi::partial}. It is never called here: the pool reads which method it names (it is
 * {@link Serializable} for that) and asks a worker to run that method, so the reference keeps the
 * caller's input and output types.
 *
 * @param <I> the input type, written as the task's JSON payload
 * @param <O> the result type, read from the task's JSON value
 */
@FunctionalInterface
public interface TaskFn<I, O> extends Serializable {

  /** The task method itself; the pool runs it on a worker, never through this interface. */
  O apply(I input) throws Exception;
}
