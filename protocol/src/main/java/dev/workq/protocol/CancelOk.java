package dev.workq.protocol;

/** The consumer named by the {@link Cancel} with this corr receives no more deliveries. */
public record CancelOk(long corr) implements Message, Reply {}
