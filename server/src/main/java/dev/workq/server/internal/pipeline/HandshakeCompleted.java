package dev.workq.server.internal.pipeline;

/**
 * User event fired through the pipeline once the peer is welcomed, so that the handlers that
 * guard the handshake (its deadline) can stand down.
 */
public enum HandshakeCompleted {
  INSTANCE
}
