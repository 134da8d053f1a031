package dev.workq.protocol;

/** The answer to a {@link Ping}. */
public record Pong(long nonce) implements Message {}
