package dev.workq.client;

import dev.workq.protocol.Consume;
import dev.workq.protocol.ConsumeOk;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.Hello;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Message;
import dev.workq.protocol.Payload;
import dev.workq.protocol.Ping;
import dev.workq.protocol.Pong;
import dev.workq.protocol.ProtocolVersion;
import dev.workq.protocol.Put;
import dev.workq.protocol.PutOk;
import dev.workq.protocol.StatsReply;
import dev.workq.protocol.StatsRequest;
import dev.workq.protocol.Welcome;
import dev.workq.protocol.codec.FrameDecoder;
import dev.workq.protocol.codec.MessageDecoder;
import dev.workq.protocol.codec.MessageEncoder;
import dev.workq.protocol.codec.Frames;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Just enough of a broker for client unit tests, on the real codec: it welcomes every HELLO,
 * answers PINGs unless told to play dead, confirms PUTs and CONSUMEs, runs each submitted task
 * itself (its result goes straight to the task's reply queue) and answers STATS in two pages.
 */
final class FakeBroker implements AutoCloseable {

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel server;
  /** Consumers by queue: where results for that reply queue are pushed. */
  private final Map<String, Long> consumers = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  final List<Hello> hellos = new CopyOnWriteArrayList<>();
  final List<Put> puts = new CopyOnWriteArrayList<>();
  final List<Consume> consumes = new CopyOnWriteArrayList<>();
  volatile boolean answerPings = true;

  FakeBroker() {
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

  ClientOptions.Builder options() {
    return ClientOptions.builder(Map.of()).address(address());
  }

  private void answer(ChannelHandlerContext ctx, Message m) {
    if (m instanceof Hello h) {
      hellos.add(h);
      ctx.pipeline().get(MessageDecoder.class).version(h.version());
      ctx.writeAndFlush(new Welcome(h.version(), "fake", "s" + hellos.size(), null));
      ctx.pipeline().get(MessageEncoder.class).version(h.version());
    } else if (m instanceof Ping p) {
      if (answerPings) {
        ctx.writeAndFlush(new Pong(p.nonce()));
      }
    } else if (m instanceof Consume c) {
      consumes.add(c);
      long consumer = ids.incrementAndGet();
      consumers.put(c.queue(), consumer);
      ctx.writeAndFlush(new ConsumeOk(c.corr(), consumer));
    } else if (m instanceof Put p) {
      puts.add(p);
      String id = p.id() != null ? p.id() : "item-" + ids.incrementAndGet();
      ctx.write(new PutOk(p.corr(), id));
      Long consumer = p.replyTo() == null ? null : consumers.get(p.replyTo());
      if (p.kind() == ItemKind.TASK && consumer != null) {
        String result = "{\"id\":\"" + id + "\",\"ok\":true,\"value\":" + new String(p.payload().bytes(), StandardCharsets.UTF_8)
            + ",\"error\":null,\"worker\":\"fake:1\",\"attempts\":1,\"elapsedMs\":0}";
        ctx.write(new Deliver(0, consumer, ids.incrementAndGet(), p.replyTo(), ItemKind.DATA, id + ".result", null, null, 1, 0,
            Payload.wrap(result.getBytes(StandardCharsets.UTF_8))));
      }
      ctx.flush();
    } else if (m instanceof StatsRequest s) {
      dev.workq.protocol.QueueStats q = new dev.workq.protocol.QueueStats(s.cursor() == null ? "a" : "b", 1, 2, 3, 4, 5, 6, 7, 8,
          9, 10, 11, false, 12, false);
      ctx.writeAndFlush(new StatsReply(s.corr(), List.of(q), List.of(), 2, 0, 99, s.cursor() == null ? "b" : null));
    }
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }
}
