package dev.workq.server.internal.pipeline;

import dev.workq.protocol.codec.FrameDecoder;
import dev.workq.protocol.codec.MessageDecoder;
import dev.workq.protocol.codec.MessageEncoder;
import dev.workq.server.BrokerOptions;
import dev.workq.server.internal.core.BrokerCore;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.Channel;

/** Assembles a connection's pipeline: framing, codec, handshake, dispatch, exception policy. */
public final class BrokerChannelInitializer extends ChannelInitializer<Channel> {

  private final BrokerOptions options;
  private final BrokerCore core;
  private final String brokerName;
  private final MessageDecoder decoder = new MessageDecoder();
  private final MessageEncoder encoder = new MessageEncoder();
  private final DispatchHandler dispatch;
  private final ExceptionHandler exceptions = new ExceptionHandler();
  private final ChannelGroup connections;

  public BrokerChannelInitializer(BrokerOptions options, BrokerCore core, String brokerName) {
    this(options, core, brokerName, null);
  }

  /** As above, also adding every connection to {@code connections} so the broker can close them all. */
  public BrokerChannelInitializer(BrokerOptions options, BrokerCore core, String brokerName, ChannelGroup connections) {
    this.connections = connections;
    this.options = options;
    this.core = core;
    this.brokerName = brokerName;
    this.dispatch = new DispatchHandler(core);
  }

  @Override
  protected void initChannel(Channel ch) {
    if (connections != null) {
      connections.add(ch);
    }
    ch.pipeline()
        .addLast(FrameDecoder.NAME, new FrameDecoder(options.maxFrame()))
        .addLast(MessageDecoder.NAME, decoder)
        .addLast(MessageEncoder.NAME, encoder)
        .addLast(HandshakeHandler.NAME, new HandshakeHandler(core, brokerName, options.maxPendingPerConnection()))
        .addLast(DispatchHandler.NAME, dispatch)
        .addLast(ExceptionHandler.NAME, exceptions);
  }
}
