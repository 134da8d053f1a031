package dev.workq.server.internal.pipeline;

import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.Hello;
import dev.workq.protocol.ProtocolVersion;
import dev.workq.protocol.Welcome;
import dev.workq.protocol.codec.ProtocolException;
import dev.workq.server.internal.core.BrokerCore;
import dev.workq.server.internal.core.Session;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Accepts exactly one HELLO with a supported version, answers WELCOME, registers the session with
 * the core and removes itself. Anything before the HELLO is a protocol error.
 */
public final class HandshakeHandler extends ChannelInboundHandlerAdapter {

  public static final String NAME = "handshake";

  private static final AtomicLong SESSIONS = new AtomicLong();

  private final BrokerCore core;
  private final String brokerName;
  private final int maxPending;

  public HandshakeHandler(BrokerCore core, String brokerName, int maxPending) {
    this.core = core;
    this.brokerName = brokerName;
    this.maxPending = maxPending;
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
    Session session = new Session(Long.toString(SESSIONS.incrementAndGet()), ctx.channel(), hello, maxPending);
    ctx.channel().attr(DispatchHandler.SESSION).set(session);
    core.open(session);
    ctx.writeAndFlush(new Welcome(ProtocolVersion.CURRENT, brokerName, session.id()));
    ctx.pipeline().remove(this);
  }
}
