package dev.workq.server.internal.cluster;

import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.Hello;
import dev.workq.protocol.codec.FrameDecoder;
import dev.workq.protocol.codec.MessageDecoder;
import dev.workq.protocol.codec.MessageEncoder;
import dev.workq.server.BrokerException;
import dev.workq.server.ListenOptions;
import dev.workq.server.internal.pipeline.ConnectionLimitHandler;
import dev.workq.server.internal.pipeline.ExceptionHandler;
import dev.workq.server.internal.pipeline.HandshakeDeadlineHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What a node that is not the leader listens with on its client port: it reads a peer's HELLO
 * (after TLS, when the broker has it) and answers with a fatal {@code NOT_LEADER} error naming
 * the leader, then closes. It holds no session and no state, and the broker's connection cap and
 * handshake deadline bound what strangers can make it hold.
 */
final class FollowerListener implements AutoCloseable {

  /** The refusal to send now: its message, and the leader's client address or null. */
  record Redirect(String message, String leader) {}

  private final EventLoopGroup group;
  private final Channel channel;

  private FollowerListener(EventLoopGroup group, Channel channel) {
    this.group = group;
    this.channel = channel;
  }

  /**
   * Binds {@code listen}'s host and port.
   *
   * @throws BrokerException if it cannot, with the bind's reason (its cause: a {@code BindException}
   *     when the port is in use)
   */
  static FollowerListener start(ListenOptions listen, SslContext ssl, Supplier<Redirect> redirect) {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("workq-follower"), NioIoHandler.newFactory());
    ConnectionLimitHandler limit = new ConnectionLimitHandler(listen.maxConnections(), ssl != null);
    ExceptionHandler exceptions = new ExceptionHandler();
    try {
      Channel channel = new ServerBootstrap()
          .group(group)
          .channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              ChannelPipeline p = ch.pipeline();
              p.addLast(ConnectionLimitHandler.NAME, limit);
              if (ssl != null) {
                p.addLast("tls", ssl.newHandler(ch.alloc()));
              }
              FrameDecoder frames = new FrameDecoder(listen.handshakeMaxFrame());
              p.addLast(FrameDecoder.NAME, frames)
                  .addLast(MessageDecoder.NAME, new MessageDecoder())
                  .addLast(MessageEncoder.NAME, new MessageEncoder())
                  .addLast(HandshakeDeadlineHandler.NAME, new HandshakeDeadlineHandler(listen.handshakeTimeout().toMillis()))
                  .addLast("not-leader", new NotLeaderHandler(redirect))
                  .addLast("exceptions", exceptions);
            }
          })
          .bind(new InetSocketAddress(listen.host(), listen.port())).sync().channel();
      return new FollowerListener(group, channel);
    } catch (Exception e) {
      // Netty's sync() rethrows the bind's IOException unchecked; caught here as what it is.
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new BrokerException("cannot listen on " + listen.host() + ":" + listen.port() + ": " + e.getMessage(), e);
    }
  }

  /** Answers the HELLO; anything else first is a protocol error, as on the leader. */
  private static final class NotLeaderHandler extends ChannelInboundHandlerAdapter {
    private final Supplier<Redirect> redirect;

    NotLeaderHandler(Supplier<Redirect> redirect) {
      this.redirect = redirect;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
      if (!(msg instanceof Hello)) {
        ctx.close();
        return;
      }
      Redirect r = redirect.get();
      ctx.writeAndFlush(ErrorReply.notLeader(0, r.message(), r.leader())).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
