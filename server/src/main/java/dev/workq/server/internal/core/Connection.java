package dev.workq.server.internal.core;

import dev.workq.protocol.Message;

/**
 * What a {@link Session} needs of the connection under it: sending, closing once sent, its I/O
 * thread, and turning reading on and off (backpressure). Behind an interface so the core can be
 * tested without Netty; production uses {@link ChannelConnection}.
 */
public interface Connection {

  /** Queues {@code message} to be written; any thread (the core's, in practice). Never blocks. */
  void send(Message message);

  /** Closes the connection once everything sent before this call has been written. */
  void closeAfterSent();

  /** Runs {@code task} on the connection's I/O thread. */
  void execute(Runnable task);

  /** Whether to read more requests from the peer. I/O thread only. */
  void setAutoRead(boolean autoRead);
}
