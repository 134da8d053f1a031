package dev.workq.server;

/**
 * What connections still in their handshake (connected, not yet welcomed) cost the broker now,
 * and how many the broker closed to keep that bounded; see {@link Broker#handshakeStats()}. A
 * snapshot: the counters only grow while the broker runs.
 *
 * @param connections connections in their handshake now
 * @param bytesHeld bytes their frame decoders hold now in partial frames (buffer capacity), at most
 *     {@link ListenOptions#handshakeBufferBudget()}
 * @param evictedOverAddressCap connections closed because their address had
 *     {@link ListenOptions#maxHandshakesPerAddress()} newer ones in their handshake
 * @param evictedOverBufferBudget connections closed because the partial frames of connections in
 *     their handshake went over {@link ListenOptions#handshakeBufferBudget()}
 */
public record HandshakeStats(int connections, long bytesHeld, long evictedOverAddressCap, long evictedOverBufferBudget) {}
