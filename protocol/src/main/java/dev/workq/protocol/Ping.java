package dev.workq.protocol;

/** A liveness probe; the other side answers {@link Pong} with the same nonce. */
public record Ping(long nonce) implements Message {}
