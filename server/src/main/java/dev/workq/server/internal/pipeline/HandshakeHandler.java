package dev.workq.server.internal.pipeline;

import dev.workq.protocol.BrokerLimits;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.Hello;
import dev.workq.protocol.ProtocolVersion;
import dev.workq.protocol.Welcome;
import dev.workq.protocol.codec.FrameDecoder;
import dev.workq.protocol.codec.MessageDecoder;
import dev.workq.protocol.codec.MessageEncoder;
import dev.workq.protocol.codec.ProtocolException;
import dev.workq.server.BrokerOptions;
import dev.workq.server.LimitOptions;
import dev.workq.server.ListenOptions;
import dev.workq.server.internal.core.BrokerCore;
import dev.workq.server.internal.core.ChannelConnection;
import dev.workq.server.internal.core.CoreConfig;
import dev.workq.server.internal.core.Session;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Accepts exactly one HELLO with a supported version (after the authkey handshake when the broker
 * has a key), answers WELCOME in that version with every limit the broker enforces, registers the
 * session with the core, switches the connection's codecs to that version's frames, raises the
 * frame limit to max-frame and removes itself. Anything before the HELLO is a protocol error.
 */
public final class HandshakeHandler extends ChannelInboundHandlerAdapter {

  public static final String NAME = "handshake";

  private static final AtomicLong SESSIONS = new AtomicLong();

  private final BrokerCore core;
  private final String brokerName;
  private final BrokerOptions options;

  private final int maxPayload;

  public HandshakeHandler(BrokerCore core, String brokerName, BrokerOptions options) {
    this.core = core;
    this.brokerName = brokerName;
    this.options = options;
    this.maxPayload = CoreConfig.of(options).maxPayload();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof Hello hello)) {
      String what = msg instanceof dev.workq.protocol.Message m ? m.type().name() : msg.getClass().getSimpleName();
      throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "expected HELLO first, got " + what);
    }
    if (!ProtocolVersion.isSupported(hello.version())) {
      throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION, "protocol version " + hello.version()
          + " is not supported; this broker speaks " + ProtocolVersion.OLDEST + " to " + ProtocolVersion.CURRENT);
    }
    Session session = new Session(Long.toString(SESSIONS.incrementAndGet()), new ChannelConnection(ctx.channel()), hello,
        options.limits().maxPendingPerConnection(), options.limits().maxUnackedPerConnection(), core.inboundBudget());
    ctx.channel().attr(DispatchHandler.SESSION).set(session);
    core.open(session);
    // The peer's frames after this HELLO (or its AUTH_RESPONSE) are in its version's layout; ours
    // after the WELCOME, which itself goes out in protocol 1's like every handshake frame.
    ctx.pipeline().get(MessageDecoder.class).version(hello.version());
    ctx.writeAndFlush(new Welcome(hello.version(), brokerName, session.id(), options.listen().idleTimeout().toMillis(),
        limits()));
    ctx.pipeline().get(MessageEncoder.class).version(hello.version());
    // A welcomed peer may send frames up to max-frame; the handshake's guards stand down.
    FrameDecoder frames = ctx.pipeline().get(FrameDecoder.class);
    if (frames != null) {
      frames.maxFrame(options.listen().maxFrame());
    }
    ctx.pipeline().remove(this);
    ctx.pipeline().fireUserEventTriggered(HandshakeCompleted.INSTANCE);
  }

  private BrokerLimits limits() {
    ListenOptions l = options.listen();
    LimitOptions b = options.limits();
    return new BrokerLimits(l.maxFrame(), maxPayload, l.handshakeMaxFrame(), l.handshakeTimeout().toMillis(),
        l.idleTimeout().toMillis(), l.maxConnections(), l.maxHandshakesPerAddress(), b.maxUnackedPerConnection(),
        b.maxPendingPerConnection(), b.maxPendingBytes(), b.maxQueueLength(), b.maxQueueBytes(), b.maxMemoryBytes(),
        b.maxQueues(), b.maxQueuesPerConnection(), b.maxConsumers(), b.maxConsumersPerConnection(),
        l.handshakeBufferBudget(), Session.MAX_HANDLERS, Session.MAX_HANDLER_SETS, b.maxWaitsPerConnection(),
        options.delivery().resultRetention().toMillis());
  }
}
