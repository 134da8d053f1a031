package dev.workq.protocol;

/** No item arrived on the queue within the {@link Fetch}'s timeout. */
public record FetchEmpty(long corr) implements Message, Reply {}
