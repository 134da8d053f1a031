package dev.workq.protocol;

/** The receiver is done with delivery {@code tag}; the broker forgets the item. */
public record Ack(long tag) implements Message {}
