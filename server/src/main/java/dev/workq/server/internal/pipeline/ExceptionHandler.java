package dev.workq.server.internal.pipeline;

import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.Printable;
import dev.workq.protocol.codec.MessageDecoder;
import dev.workq.protocol.codec.ProtocolException;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The last handler: the broker's one policy for failures on a connection. A protocol violation
 * gets an ERROR naming it, then the connection closes; an I/O error (peer reset) closes quietly;
 * a VirtualMachineError (out of memory, heap or direct) leaves the whole JVM in doubt, so it is
 * reported as fatal to the broker, which stops; anything else is a bug, logged loudly, and closes
 * the connection. Reading stops at once so a broken stream produces one error, not one per frame.
 * The INFO line for a protocol violation is bounded broker-wide ({@link LogRateLimit}): strangers
 * can cause one per connection.
 */
@ChannelHandler.Sharable
public final class ExceptionHandler extends ChannelInboundHandlerAdapter {

  public static final String NAME = "exceptions";

  private static final Logger log = LoggerFactory.getLogger(ExceptionHandler.class);
  private static final AttributeKey<Boolean> CLOSING = AttributeKey.valueOf("workq.closing");

  /** How long a connection closed for a fatal error may take to read the error before it is cut. */
  static final long LINGER_MS = 2000;

  private final java.util.function.Consumer<Error> fatal;
  /** One for the broker (this handler is shared by all its connections), so the bound is broker-wide. */
  private final LogRateLimit closingLines;

  /** {@code fatal} is told of an Error that must stop the broker. */
  public ExceptionHandler(java.util.function.Consumer<Error> fatal) {
    this(fatal, LogRateLimit.withDefaults("connection-closing lines", Level.INFO));
  }

  /** As {@link #ExceptionHandler(java.util.function.Consumer)}, with the bound on its "closing" lines. */
  ExceptionHandler(java.util.function.Consumer<Error> fatal, LogRateLimit closingLines) {
    this.fatal = fatal;
    this.closingLines = closingLines;
  }

  /** A handler for a pipeline without a broker to stop (tests of the pipeline alone). */
  public ExceptionHandler() {
    this(e -> { });
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!ctx.channel().isActive() || ctx.channel().attr(CLOSING).setIfAbsent(Boolean.TRUE) != null) {
      return;
    }
    VirtualMachineError vm = find(cause, VirtualMachineError.class);
    ProtocolException pe = find(cause, ProtocolException.class);
    if (vm != null) {
      ctx.close();
      fatal.accept(vm);
    } else if (pe != null) {
      // A stranger can provoke this line once per connection before authenticating: bounded
      // broker-wide, and the message (which can quote what the peer sent) escaped.
      closingLines.log(log, ctx.channel().eventLoop(), () ->
          log.info("closing {}: {}: {}", ctx.channel().remoteAddress(), pe.code(), Printable.escape(pe.getMessage())));
      closeAfter(ctx, new ErrorReply(0, pe.code(), pe.getMessage(), true));
    } else if (find(cause, IOException.class) != null) {
      log.debug("closing {}: {}", ctx.channel().remoteAddress(), Printable.escape(cause.toString()));
      ctx.close();
    } else {
      log.warn("closing {} after an unexpected error", ctx.channel().remoteAddress(), cause);
      closeAfter(ctx, new ErrorReply(0, ErrorCode.INTERNAL_ERROR, "internal error: " + cause, true));
    }
  }

  /**
   * Sends {@code error}, then half-closes. Whatever the peer still sends is read and dropped
   * rather than left unread: closing with unread input makes the kernel reset the connection,
   * and the peer would lose the error it was about to read. The connection closes when the peer
   * closes its side, or after {@link #LINGER_MS}.
   */
  private static void closeAfter(ChannelHandlerContext ctx, ErrorReply error) {
    Channel ch = ctx.channel();
    // Frames already read behind the bad one are not carried out either: the peer is told its
    // session ends at the error, so nothing after it may take effect.
    MessageDecoder decoder = ch.pipeline().get(MessageDecoder.class);
    if (decoder != null) {
      decoder.discardRest();
    }
    ch.pipeline().addFirst("discard", new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext c, Object msg) {
        ReferenceCountUtil.release(msg);
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext c, Throwable t) {
        c.close();
      }
    });
    ctx.writeAndFlush(error).addListener(f -> {
      if (ch instanceof SocketChannel s && s.isActive()) {
        s.shutdownOutput();
      } else {
        ch.close();
      }
    });
    ch.eventLoop().schedule(() -> ch.close(), LINGER_MS, TimeUnit.MILLISECONDS);
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
