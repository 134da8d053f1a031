package dev.workq.protocol;

/** The receiver gives delivery {@code tag} back unfinished: it returns to the front of its queue. */
public record Release(long tag) implements Message {}
