package dev.workq.protocol;

/** The broker accepted a {@link Put}; {@code id} is the item's id. */
public record PutOk(long corr, String id) implements Message, Reply {}
