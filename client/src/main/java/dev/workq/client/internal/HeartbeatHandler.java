package dev.workq.client.internal;

import dev.workq.protocol.Ping;
import dev.workq.protocol.Pong;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a connection alive and notices when the broker is gone: pings every {@code everyMs},
 * answers the broker's pings, and counts every inbound frame (PONGs included, which it swallows)
 * as a sign of life. When nothing has arrived for {@code timeoutMs} (a broker frozen, a network
 * that drops packets without a reset) it fires {@link Timeout} with the reason and closes, so
 * waiting requests fail instead of hanging until their own timeouts.
 *
 * <p>Silence is counted in ticks of the ping timer rather than read from a clock: a tick with no
 * frame since the last one adds {@code everyMs}. That needs no clock of its own, and tests drive it
 * with the event loop's scheduled tasks.
 */
final class HeartbeatHandler extends ChannelInboundHandlerAdapter {

  static final String NAME = "heartbeat";

  /** Fired down the pipeline just before the close, so the connection can say why it closed. */
  record Timeout(String reason) {}

  private final long everyMs;
  private final long timeoutMs;
  private ScheduledFuture<?> timer;
  private boolean heard;
  private long silentMs;
  private long pings;

  HeartbeatHandler(long everyMs, long timeoutMs) {
    this.everyMs = everyMs;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      start(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    start(ctx);
    ctx.fireChannelActive();
  }

  private void start(ChannelHandlerContext ctx) {
    if (timer == null) {
      timer = ctx.executor().scheduleAtFixedRate(() -> tick(ctx), everyMs, everyMs, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    heard = true;
    if (msg instanceof Ping p) {
      ctx.writeAndFlush(new Pong(p.nonce()), ctx.voidPromise());
    } else if (!(msg instanceof Pong)) {
      ctx.fireChannelRead(msg);
    }
  }

  private void tick(ChannelHandlerContext ctx) {
    silentMs = heard ? 0 : silentMs + everyMs;
    heard = false;
    if (silentMs >= timeoutMs) {
      stop();
      ctx.fireUserEventTriggered(new Timeout("no answer from the broker for " + silentMs + " ms (heartbeat timeout "
          + timeoutMs + " ms)"));
      ctx.close();
      return;
    }
    ctx.writeAndFlush(new Ping(++pings), ctx.voidPromise());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stop();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stop();
  }

  private void stop() {
    if (timer != null) {
      timer.cancel(false);
    }
  }
}
