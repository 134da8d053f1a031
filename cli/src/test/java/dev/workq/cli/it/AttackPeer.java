package dev.workq.cli.it;

import dev.workq.protocol.Hello;
import dev.workq.protocol.Message;
import dev.workq.protocol.ProtocolVersion;
import dev.workq.protocol.Role;
import dev.workq.protocol.Welcome;
import dev.workq.protocol.codec.FrameDecoder;
import dev.workq.protocol.codec.Frames;
import dev.workq.protocol.codec.MessageDecoder;
import dev.workq.protocol.codec.MessageEncoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bare protocol peer for the attack tests: it pipelines whatever messages a test builds (a
 * {@code WorkqClient} would encode payloads as JSON, cap outstanding requests and wait for
 * answers) and keeps every message the broker sends, to be counted afterwards. A copy of the
 * server tests' {@code RawPeer}, which is package-private there, with writes that do not wait.
 */
final class AttackPeer implements AutoCloseable {

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
  private final Channel channel;

  private AttackPeer(int port) throws InterruptedException {
    Bootstrap b = new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline()
                .addLast(new FrameDecoder(Frames.DEFAULT_MAX_FRAME))
                .addLast(new MessageDecoder())
                .addLast(new MessageEncoder())
                .addLast(new SimpleChannelInboundHandler<Message>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, Message msg) {
                    inbox.add(msg);
                  }
                });
          }
        });
    try {
      channel = b.connect("127.0.0.1", port).sync().channel();
    } catch (RuntimeException | InterruptedException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** Connects and completes the handshake as a plain client. */
  static AttackPeer connect(int port) throws InterruptedException {
    AttackPeer peer = new AttackPeer(port);
    try {
      peer.send(new Hello(ProtocolVersion.V1, Role.CLIENT, "attacker", "localhost", ProcessHandle.current().pid(), List.of()));
      Message m = peer.poll(10);
      if (!(m instanceof Welcome)) {
        throw new AssertionError("expected WELCOME, got " + m);
      }
      return peer;
    } catch (RuntimeException | InterruptedException | AssertionError e) {
      peer.close();
      throw e;
    }
  }

  /** Writes and flushes {@code m} without waiting. */
  ChannelFuture send(Message m) {
    return channel.writeAndFlush(m);
  }

  /** Writes {@code m} without flushing; see {@link #flush()}. */
  ChannelFuture write(Message m) {
    return channel.write(m);
  }

  void flush() {
    channel.flush();
  }

  /** The next message from the broker, or null after {@code seconds}. */
  Message poll(long seconds) throws InterruptedException {
    return inbox.poll(seconds, TimeUnit.SECONDS);
  }

  boolean isOpen() {
    return channel.isActive();
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
  }
}
