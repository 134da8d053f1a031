package dev.workq.protocol;

/** Asks for a {@link StatsReply}. */
public record StatsRequest(long corr) implements Message, Request {}
