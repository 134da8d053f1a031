package dev.workq.pool;

/** Argument tuples for {@link WorkqPool#starmap}, as Python's {@code starmap} takes tuples. */
public final class Args {

  private Args() {}

  /** The arguments {@code (a, b)}. */
  public static <A, B> Args2<A, B> of(A a, B b) {
    return new Args2<>(a, b);
  }

  /** The arguments {@code (a, b, c)}. */
  public static <A, B, C> Args3<A, B, C> of(A a, B b, C c) {
    return new Args3<>(a, b, c);
  }
}
