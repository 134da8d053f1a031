package dev.workq.server.internal.core;

import dev.workq.protocol.Message;
import dev.workq.protocol.transport.WriteQueue;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;

/**
 * A {@link Connection} over a Netty channel. The core never writes to the channel itself: it
 * enqueues on a {@link WriteQueue}, which writes and flushes in batches on the channel's event loop.
 */
public final class ChannelConnection implements Connection {

  private final Channel channel;
  private final WriteQueue out;

  public ChannelConnection(Channel channel) {
    this.channel = channel;
    this.out = new WriteQueue(channel);
  }

  @Override
  public void send(Message message) {
    out.enqueue(message);
  }

  @Override
  public void closeAfterSent() {
    out.afterQueued(() -> channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE));
  }

  @Override
  public void execute(Runnable task) {
    channel.eventLoop().execute(task);
  }

  @Override
  public void setAutoRead(boolean autoRead) {
    channel.config().setAutoRead(autoRead);
  }
}
