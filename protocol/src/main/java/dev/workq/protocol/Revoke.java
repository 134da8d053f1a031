package dev.workq.protocol;

/**
 * Broker to the holder of delivery {@code tag}: its task was cancelled. The delivery is no longer
 * held (its consumer's credit is back); the holder should stop the task and send nothing for the
 * tag: an ACK, COMPLETE or RELEASE for it would be refused as UNKNOWN_DELIVERY.
 */
public record Revoke(long tag, String id) implements Message {}
