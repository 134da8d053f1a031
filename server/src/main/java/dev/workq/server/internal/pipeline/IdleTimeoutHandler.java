package dev.workq.server.internal.pipeline;

import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.codec.ProtocolException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection that sends no message for the idle timeout. It sits after the message
 * decoder, so it counts whole messages, not bytes: a peer trickling one byte at a time is idle.
 * Healthy clients ping every third of the timeout (the WELCOME announces it); a peer that stops
 * reading makes the broker stop reading from it, and so goes idle too.
 */
public final class IdleTimeoutHandler extends IdleStateHandler {

  public static final String NAME = "idle-timeout";

  private final long timeoutMs;

  public IdleTimeoutHandler(long timeoutMs) {
    super(timeoutMs, 0, 0, TimeUnit.MILLISECONDS);
    this.timeoutMs = timeoutMs;
  }

  @Override
  protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
    ctx.fireExceptionCaught(new ProtocolException(ErrorCode.TIMEOUT, "no message for " + timeoutMs + " ms (idle timeout)"));
  }
}
