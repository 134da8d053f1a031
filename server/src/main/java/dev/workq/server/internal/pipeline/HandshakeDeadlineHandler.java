package dev.workq.server.internal.pipeline;

import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.codec.ProtocolException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection that has not finished its handshake (TLS, authkey, HELLO) within the
 * deadline, so a peer that connects and sends nothing, or trickles a frame a byte at a time,
 * holds a connection for a bounded time. Removes itself when the handshake completes.
 */
public final class HandshakeDeadlineHandler extends ChannelInboundHandlerAdapter {

  public static final String NAME = "handshake-deadline";

  private final long timeoutMs;
  private ScheduledFuture<?> timer;

  public HandshakeDeadlineHandler(long timeoutMs) {
    this.timeoutMs = timeoutMs;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    // Added by the initializer of an accepted, already active channel: start counting now.
    timer = ctx.executor().schedule(() -> ctx.fireExceptionCaught(new ProtocolException(ErrorCode.TIMEOUT,
        "handshake not finished within " + timeoutMs + " ms")), timeoutMs, TimeUnit.MILLISECONDS);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == HandshakeCompleted.INSTANCE) {
      ctx.pipeline().remove(this);
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
