package dev.workq.server.internal.pipeline;

import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.codec.MessageEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * First in every pipeline: counts a port's connections and turns away those over the cap before
 * they cost a TLS handshake or a buffer. A plaintext peer is told why in its port's language (a
 * broker port's CONNECTION_LIMIT error, an HTTP port's 503; a TLS peer could not read it, so it
 * is just closed).
 */
@ChannelHandler.Sharable
public final class ConnectionLimitHandler extends ChannelInboundHandlerAdapter {

  public static final String NAME = "connection-limit";

  /** What a plaintext connection over the cap is sent before it is closed. */
  @FunctionalInterface
  public interface Refusal {
    ByteBuf encode(ByteBufAllocator alloc, int max) throws IOException;
  }

  /** The broker port's: a fatal CONNECTION_LIMIT error frame. */
  private static final Refusal PROTOCOL = (alloc, max) -> {
    ByteBuf frame = alloc.buffer();
    MessageEncoder.encode(new ErrorReply(0, ErrorCode.CONNECTION_LIMIT,
        "the broker serves its maximum of " + max + " connections; try again later", true), frame);
    return frame;
  };

  private static final Logger log = LoggerFactory.getLogger(ConnectionLimitHandler.class);
  private static final AttributeKey<Boolean> COUNTED = AttributeKey.valueOf("workq.counted");

  private final int max;
  private final boolean tls;
  private final String flag;
  private final Refusal refusal;
  private final AtomicInteger open = new AtomicInteger();
  private final LogRateLimit refusals = LogRateLimit.withDefaults("connection-refused lines", Level.WARN);

  /** The broker port's cap ({@code --max-connections}). */
  public ConnectionLimitHandler(int max, boolean tls) {
    this(max, tls, "max-connections", PROTOCOL);
  }

  /** A cap named {@code flag} in the log, telling plaintext peers over it {@code refusal}. */
  public ConnectionLimitHandler(int max, boolean tls, String flag, Refusal refusal) {
    this.max = max;
    this.tls = tls;
    this.flag = flag;
    this.refusal = refusal;
  }

  /** Connections open now. */
  public int count() {
    return open.get();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws IOException {
    int n = open.incrementAndGet();
    ctx.channel().attr(COUNTED).set(Boolean.TRUE);
    if (n <= max) {
      ctx.fireChannelActive();
      return;
    }
    // One line per refused connection would let a flood of connections flood the log too.
    refusals.log(log, ctx.channel().eventLoop(), () ->
        log.warn("refusing {}: {} connections open ({} {})", ctx.channel().remoteAddress(), n - 1, flag, max));
    ctx.channel().config().setAutoRead(false);
    if (tls) {
      ctx.close();
      return;
    }
    ctx.writeAndFlush(refusal.encode(ctx.alloc(), max)).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (ctx.channel().attr(COUNTED).getAndSet(null) != null) {
      open.decrementAndGet();
    }
    ctx.fireChannelInactive();
  }
}
