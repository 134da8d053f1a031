package dev.workq.pool;

/** The two arguments of one run of a {@link TaskFn2}, for {@link WorkqPool#starmap}; made by {@link Args#of(Object, Object)}. */
public record Args2<A, B>(A a, B b) {}
