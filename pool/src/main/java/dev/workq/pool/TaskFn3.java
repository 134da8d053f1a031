package dev.workq.pool;

import java.io.Serializable;

/**
 * A task of three arguments, as {@link TaskFn}: a method reference to a static task method. The
 * payload is the JSON array {@code [a, b, c]}.
 */
@FunctionalInterface
public interface TaskFn3<A, B, C, O> extends Serializable {

  /** The task method itself; the pool runs it on a worker, never through this interface. */
  O apply(A a, B b, C c) throws Exception;
}
