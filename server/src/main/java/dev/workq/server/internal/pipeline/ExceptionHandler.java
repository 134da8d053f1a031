package dev.workq.server.internal.pipeline;

import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.codec.ProtocolException;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler: the broker's one policy for failures on a connection. A protocol violation
 * gets an ERROR naming it, then the connection closes; an I/O error (peer reset) closes quietly;
 * anything else is a bug, logged loudly, and closes the connection. Reading stops at once so a
 * broken stream produces one error, not one per frame.
 */
@ChannelHandler.Sharable
public final class ExceptionHandler extends ChannelInboundHandlerAdapter {

  public static final String NAME = "exceptions";

  private static final Logger log = LoggerFactory.getLogger(ExceptionHandler.class);
  private static final AttributeKey<Boolean> CLOSING = AttributeKey.valueOf("workq.closing");

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!ctx.channel().isActive() || ctx.channel().attr(CLOSING).setIfAbsent(Boolean.TRUE) != null) {
      return;
    }
    ctx.channel().config().setAutoRead(false);
    ProtocolException pe = find(cause, ProtocolException.class);
    if (pe != null) {
      log.info("closing {}: {}: {}", ctx.channel().remoteAddress(), pe.code(), pe.getMessage());
      ctx.writeAndFlush(new ErrorReply(0, pe.code(), pe.getMessage(), true)).addListener(ChannelFutureListener.CLOSE);
    } else if (find(cause, IOException.class) != null) {
      log.debug("closing {}: {}", ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
    } else {
      log.warn("closing {} after an unexpected error", ctx.channel().remoteAddress(), cause);
      ctx.writeAndFlush(new ErrorReply(0, ErrorCode.INTERNAL_ERROR, "internal error: " + cause, true))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (int depth = 0; t != null && depth < 10; t = t.getCause(), depth++) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
