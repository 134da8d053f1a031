package dev.workq.server.internal.pipeline;

import dev.workq.protocol.codec.FrameDecoder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;

/**
 * Keeps one connection's place in the broker-wide {@link HandshakeBudget} until it is welcomed:
 * admits it when it becomes active, reports after every read what its frame decoder (the next
 * handler) holds in a partial frame, and releases it exactly once, at the WELCOME (then removes
 * itself) or when it closes first. Sits right before the frame decoder so that, when a read
 * returns here, the decoder has buffered or decoded all of it.
 */
public final class HandshakeBudgetHandler extends ChannelInboundHandlerAdapter {

  public static final String NAME = "handshake-budget";

  private final HandshakeBudget budget;
  private final FrameDecoder frames;
  private HandshakeBudget.Entry entry;

  public HandshakeBudgetHandler(HandshakeBudget budget, FrameDecoder frames) {
    this.budget = budget;
    this.frames = frames;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    // Not reached by a connection the connection cap turned away: it never costs a place here.
    entry = budget.admit(ctx.channel(), address(ctx.channel()));
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ctx.fireChannelRead(msg);
    // The read may have completed the handshake, which released the entry.
    if (entry != null) {
      budget.hold(entry, frames.heldBytes());
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == HandshakeCompleted.INSTANCE) {
      leave();
      ctx.fireUserEventTriggered(evt);
      ctx.pipeline().remove(this);
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    leave();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    leave();
  }

  private void leave() {
    if (entry != null) {
      budget.release(entry);
      entry = null;
    }
  }

  /** Connections are counted per IP address (any port); anything else (a test's channel) by what it is. */
  private static Object address(Channel ch) {
    Object remote = ch.remoteAddress();
    if (remote instanceof InetSocketAddress a && a.getAddress() != null) {
      return a.getAddress();
    }
    return remote == null ? "unknown" : remote;
  }
}
