package dev.workq.server;

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
 * A bare protocol peer over TCP, for what {@code WorkqClient} does not let a test do or see:
 * send any message (an ack for a tag it never got) and read every message the broker sends,
 * including non-fatal errors with no correlation id.
 */
final class RawPeer implements AutoCloseable {

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
  private final Channel channel;

  private RawPeer(int port) throws InterruptedException {
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
    channel = b.connect("127.0.0.1", port).sync().channel();
  }

  /** Connects and sends nothing. */
  static RawPeer open(int port) throws InterruptedException {
    return new RawPeer(port);
  }

  /** Connects and completes the handshake. */
  static RawPeer connect(int port) throws InterruptedException {
    RawPeer peer = new RawPeer(port);
    try {
      peer.send(new Hello(ProtocolVersion.V1, Role.CLIENT, "raw-peer", "localhost", 1, List.of()));
      peer.expect(Welcome.class);
      return peer;
    } catch (RuntimeException | InterruptedException e) {
      peer.close();
      throw e;
    }
  }

  /**
   * Sends one frame of {@code type} with {@code headerJson} as its header, byte for byte: for
   * headers the message records would refuse to build (a HELLO with a bad handler name).
   */
  void sendRaw(dev.workq.protocol.MessageType type, String headerJson) {
    byte[] header = headerJson.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    io.netty.buffer.ByteBuf frame = channel.alloc().buffer();
    frame.writeInt(1 + 4 + header.length);
    frame.writeByte(type.code());
    frame.writeInt(header.length);
    frame.writeBytes(header);
    channel.writeAndFlush(frame).syncUninterruptibly();
  }

  void send(Message m) {
    channel.writeAndFlush(m).syncUninterruptibly();
  }

  /** The next message from the broker, which must be a {@code type}; waits up to 5 s. */
  <T extends Message> T expect(Class<T> type) throws InterruptedException {
    Message m = inbox.poll(5, TimeUnit.SECONDS);
    if (m == null) {
      throw new AssertionError("no " + type.getSimpleName() + " from the broker within 5 s");
    }
    if (!type.isInstance(m)) {
      throw new AssertionError("expected " + type.getSimpleName() + ", got " + m);
    }
    return type.cast(m);
  }

  /** The next message from the broker, whatever it is; waits up to 5 s. */
  Message next() throws InterruptedException {
    Message m = inbox.poll(5, TimeUnit.SECONDS);
    if (m == null) {
      throw new AssertionError("no message from the broker within 5 s");
    }
    return m;
  }

  /** Waits up to 5 s for the broker to close the connection. */
  boolean awaitClosed() {
    return channel.closeFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
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
