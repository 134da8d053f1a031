package dev.workq.protocol;

/** Stops a consumer. Deliveries it already holds stay held until acked, completed or released. */
public record Cancel(long corr, long consumer) implements Message, Request {}
