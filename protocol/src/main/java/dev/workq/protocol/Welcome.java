package dev.workq.protocol;

/**
 * The broker's answer to a valid {@link Hello}.
 *
 * @param version the protocol version in use
 * @param broker the broker's name and version, for logs
 * @param session a unique id for this connection
 */
public record Welcome(int version, String broker, String session) implements Message {}
