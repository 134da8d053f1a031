package dev.workq.pool.internal;

import java.util.Iterator;
import java.util.function.Function;

/** A call's inputs as each run's arguments, read lazily from the caller's iterable. */
public final class Inputs {

  private Inputs() {}

  /** Each input as the single argument of one run. */
  public static Iterator<Object[]> single(Iterable<?> inputs) {
    return spread(inputs, i -> new Object[] {i});
  }

  /** Each input spread into the arguments of one run by {@code args}. */
  public static <T> Iterator<Object[]> spread(Iterable<T> inputs, Function<T, Object[]> args) {
    if (inputs == null) {
      throw new IllegalArgumentException("inputs must not be null");
    }
    Iterator<T> it = inputs.iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Object[] next() {
        return args.apply(it.next());
      }
    };
  }
}
