package dev.workq.server.internal.pipeline;

import dev.workq.protocol.codec.FrameDecoder;
import dev.workq.protocol.codec.MessageDecoder;
import dev.workq.protocol.codec.MessageEncoder;
import dev.workq.server.BrokerOptions;
import dev.workq.server.HandshakeStats;
import dev.workq.server.internal.core.BrokerCore;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

/**
 * Assembles a connection's pipeline and does nothing else: connection cap → TLS → handshake
 * budget (removes itself) → framing → codec → idle timeout and handshake deadline → authkey
 * (removes itself) → HELLO (removes itself) → dispatch → exception policy.
 */
public final class BrokerChannelInitializer extends ChannelInitializer<Channel> {

  private final BrokerOptions options;
  private final BrokerCore core;
  private final String brokerName;
  private final SslContext ssl;
  private final ExceptionHandler exceptions;
  private final ConnectionLimitHandler limit;
  private final ChannelGroup connections;
  private final HandshakeBudget handshakes;

  public BrokerChannelInitializer(BrokerOptions options, BrokerCore core, String brokerName) {
    this(options, core, brokerName, null, null);
  }

  /**
   * As above, with TLS when {@code ssl} is not null, also adding every connection to
   * {@code connections} so the broker can close them all.
   */
  public BrokerChannelInitializer(BrokerOptions options, BrokerCore core, String brokerName, ChannelGroup connections,
      SslContext ssl) {
    this.connections = connections;
    this.options = options;
    this.core = core;
    this.brokerName = brokerName;
    this.ssl = ssl;
    this.exceptions = new ExceptionHandler(core::fail);
    this.limit = new ConnectionLimitHandler(options.listen().maxConnections(), ssl != null);
    this.handshakes = new HandshakeBudget(options.listen().maxHandshakesPerAddress(), options.listen().handshakeBufferBudget(), ssl != null);
  }

  /** What connections in their handshake hold now, and how many were closed to bound it. */
  public HandshakeStats handshakeStats() {
    return handshakes.stats();
  }

  /** Connections open now. */
  public int connectionCount() {
    return limit.count();
  }

  @Override
  protected void initChannel(Channel ch) {
    if (connections != null) {
      connections.add(ch);
    }
    ChannelPipeline p = ch.pipeline();
    p.addLast(ConnectionLimitHandler.NAME, limit);
    if (ssl != null) {
      SslHandler tls = ssl.newHandler(ch.alloc());
      tls.setHandshakeTimeoutMillis(options.listen().handshakeTimeout().toMillis());
      p.addLast(TlsRequiredHandler.NAME, new TlsRequiredHandler());
      p.addLast("tls", tls);
    }
    // Strangers get the small limit until they are welcomed (HandshakeHandler raises it), so a
    // stalled partial frame pins a few KiB, and the budget bounds what all of them pin together.
    FrameDecoder frames = new FrameDecoder(options.listen().maxFrame());
    frames.handshakeMaxFrame(options.listen().handshakeMaxFrame());
    p.addLast(HandshakeBudgetHandler.NAME, new HandshakeBudgetHandler(handshakes, frames));
    p.addLast(FrameDecoder.NAME, frames);
    p.addLast(MessageDecoder.NAME, new MessageDecoder())
        .addLast(MessageEncoder.NAME, new MessageEncoder())
        .addLast(IdleTimeoutHandler.NAME, new IdleTimeoutHandler(options.listen().idleTimeout().toMillis()))
        .addLast(HandshakeDeadlineHandler.NAME, new HandshakeDeadlineHandler(options.listen().handshakeTimeout().toMillis()));
    byte[] key = options.security().authkey();
    if (key != null) {
      p.addLast(AuthHandler.NAME, new AuthHandler(key));
    }
    p.addLast(HandshakeHandler.NAME, new HandshakeHandler(core, brokerName, options))
        .addLast(DispatchHandler.NAME, new DispatchHandler(core))
        .addLast(ExceptionHandler.NAME, exceptions);
  }
}
