package dev.workq.pool;

/** The three arguments of one run of a {@link TaskFn3}; made by {@link Args#of(Object, Object, Object)}. */
public record Args3<A, B, C>(A a, B b, C c) {}
