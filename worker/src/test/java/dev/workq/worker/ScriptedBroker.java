package dev.workq.worker;

import dev.workq.protocol.Consume;
import dev.workq.protocol.ConsumeOk;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.Hello;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Message;
import dev.workq.protocol.Payload;
import dev.workq.protocol.Ping;
import dev.workq.protocol.Pong;
import dev.workq.protocol.Renew;
import dev.workq.protocol.Welcome;
import dev.workq.protocol.codec.FrameDecoder;
import dev.workq.protocol.codec.Frames;
import dev.workq.protocol.codec.MessageDecoder;
import dev.workq.protocol.codec.MessageEncoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A broker that does what the test says, on the real codec: it welcomes a HELLO and confirms a
 * CONSUME, then the test pushes deliveries and revocations down the worker's connection and reads
 * what the worker sent back (PINGs answered, RENEWs dropped).
 */
final class ScriptedBroker implements AutoCloseable {

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel server;
  final BlockingQueue<Message> sent = new LinkedBlockingQueue<>();
  final CompletableFuture<Channel> worker = new CompletableFuture<>();
  private long tags;

  ScriptedBroker() {
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new FrameDecoder(Frames.DEFAULT_MAX_FRAME), new MessageDecoder(), new MessageEncoder(),
                new SimpleChannelInboundHandler<Message>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, Message m) {
                    answer(ctx, m);
                  }
                });
          }
        }).bind("127.0.0.1", 0).syncUninterruptibly().channel();
  }

  String address() {
    return "127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort();
  }

  private void answer(ChannelHandlerContext ctx, Message m) {
    if (m instanceof Hello h) {
      ctx.pipeline().get(MessageDecoder.class).version(h.version());
      ctx.writeAndFlush(new Welcome(h.version(), "scripted", "s1", null));
      ctx.pipeline().get(MessageEncoder.class).version(h.version());
    } else if (m instanceof Ping p) {
      ctx.writeAndFlush(new Pong(p.nonce()));
    } else if (m instanceof Consume c) {
      ctx.writeAndFlush(new ConsumeOk(c.corr(), 1));
      worker.complete(ctx.channel());
    } else if (!(m instanceof Renew)) {
      sent.add(m);
    }
  }

  /** Pushes a task for {@code handler}; returns its tag. */
  synchronized long task(String handler, String json) throws Exception {
    long tag = ++tags;
    push(new Deliver(0, 1, tag, "tasks", ItemKind.TASK, "t" + tag, handler, null, 1, 30_000,
        Payload.wrap(json.getBytes(StandardCharsets.UTF_8))));
    return tag;
  }

  /** Pushes a STOP, held without a lease as the broker now does; returns its tag. */
  synchronized long stop() throws Exception {
    long tag = ++tags;
    push(new Deliver(0, 1, tag, "tasks", ItemKind.STOP, "stop" + tag, null, null, 1, 0, Payload.EMPTY));
    return tag;
  }

  void push(Message m) throws Exception {
    worker.get(10, TimeUnit.SECONDS).writeAndFlush(m);
  }

  /** The next message the worker sent, within 10 s. */
  Message next() throws InterruptedException {
    Message m = sent.poll(10, TimeUnit.SECONDS);
    if (m == null) {
      throw new AssertionError("the worker sent nothing within 10 s");
    }
    return m;
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
