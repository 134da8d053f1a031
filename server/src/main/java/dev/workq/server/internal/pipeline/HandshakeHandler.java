package dev.workq.server.internal.pipeline;

import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.Hello;
import dev.workq.protocol.ProtocolVersion;
import dev.workq.protocol.Welcome;
import dev.workq.protocol.codec.FrameDecoder;
import dev.workq.protocol.codec.ProtocolException;
import dev.workq.server.BrokerOptions;
import dev.workq.server.internal.core.BrokerCore;
import dev.workq.server.internal.core.ChannelConnection;
import dev.workq.server.internal.core.Session;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Accepts exactly one HELLO with a supported version (after the authkey handshake when the broker
 * has a key), answers WELCOME, registers the session with the core, raises the frame limit to
 * max-frame and removes itself. Anything before the HELLO is a protocol error.
 */
public final class HandshakeHandler extends ChannelInboundHandlerAdapter {

  public static final String NAME = "handshake";

  private static final AtomicLong SESSIONS = new AtomicLong();

  private final BrokerCore core;
  private final String brokerName;
  private final BrokerOptions options;

  public HandshakeHandler(BrokerCore core, String brokerName, BrokerOptions options) {
    this.core = core;
    this.brokerName = brokerName;
    this.options = options;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof Hello hello)) {
      String what = msg instanceof dev.workq.protocol.Message m ? m.type().name() : msg.getClass().getSimpleName();
      throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "expected HELLO first, got " + what);
    }
    if (hello.version() != ProtocolVersion.CURRENT) {
      throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION,
          "protocol version " + hello.version() + " is not supported; this broker speaks " + ProtocolVersion.CURRENT);
    }
    Session session = new Session(Long.toString(SESSIONS.incrementAndGet()), new ChannelConnection(ctx.channel()), hello,
        options.limits().maxPendingPerConnection(), options.limits().maxUnackedPerConnection(), core.inboundBudget());
    ctx.channel().attr(DispatchHandler.SESSION).set(session);
    core.open(session);
    ctx.writeAndFlush(new Welcome(ProtocolVersion.CURRENT, brokerName, session.id(), options.listen().idleTimeout().toMillis()));
    // A welcomed peer may send frames up to max-frame; the handshake's guards stand down.
    FrameDecoder frames = ctx.pipeline().get(FrameDecoder.class);
    if (frames != null) {
      frames.maxFrame(options.listen().maxFrame());
    }
    ctx.pipeline().remove(this);
    ctx.pipeline().fireUserEventTriggered(HandshakeCompleted.INSTANCE);
  }
}
