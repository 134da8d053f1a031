package dev.workq.pool;

import java.io.Serializable;

/**
 * A task of two arguments, as {@link TaskFn}: a method reference to a static task method, for
 * {@link WorkqPool#starmap} and the two-argument {@link WorkqPool#apply(TaskFn2, Object, Object)}.
 * The payload is the JSON array {@code [a, b]}.
 */
@FunctionalInterface
public interface TaskFn2<A, B, O> extends Serializable {

  /** The task method itself; the pool runs it on a worker, never through this interface. */
  O apply(A a, B b) throws Exception;
}
