package dev.workq.protocol;

/** The broker registered a consumer; deliveries to it carry {@code consumer}. */
public record ConsumeOk(long corr, long consumer) implements Message, Reply {}
