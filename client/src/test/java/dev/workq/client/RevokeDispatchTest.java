package dev.workq.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.Ack;
import dev.workq.protocol.Complete;
import dev.workq.protocol.Consume;
import dev.workq.protocol.ConsumeOk;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.Hello;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Message;
import dev.workq.protocol.Payload;
import dev.workq.protocol.Ping;
import dev.workq.protocol.Pong;
import dev.workq.protocol.Release;
import dev.workq.protocol.Revoke;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * REVOKE on the real codec: a broker pushes a task, then revokes it; the client marks that
 * delivery revoked, runs its callbacks, and sends nothing more for it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RevokeDispatchTest {

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  /** What the client sent after its CONSUME, in order. */
  private final BlockingQueue<Message> sent = new LinkedBlockingQueue<>();
  private final CompletableFuture<Channel> peer = new CompletableFuture<>();
  private final Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
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

  private void answer(ChannelHandlerContext ctx, Message m) {
    if (m instanceof Hello h) {
      ctx.pipeline().get(MessageDecoder.class).version(h.version());
      ctx.writeAndFlush(new Welcome(h.version(), "fake", "s1", null));
      ctx.pipeline().get(MessageEncoder.class).version(h.version());
    } else if (m instanceof Ping p) {
      ctx.writeAndFlush(new Pong(p.nonce()));
    } else if (m instanceof Consume c) {
      ctx.writeAndFlush(new ConsumeOk(c.corr(), 1));
      peer.complete(ctx.channel());
    } else {
      sent.add(m);
    }
  }

  @AfterEach
  void tearDown() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static Deliver task(long tag) {
    return new Deliver(0, 1, tag, "tasks", ItemKind.TASK, "t" + tag, "sleep", null, 1, 30_000, Payload.wrap("{}".getBytes()));
  }

  @Test
  void aRevokedDeliveryIsMarkedRunsItsCallbacksAndSendsNothingMore() throws Exception {
    int port = ((InetSocketAddress) server.localAddress()).getPort();
    BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
    AtomicInteger callbacks = new AtomicInteger();
    List<String> callbackThreads = new CopyOnWriteArrayList<>();
    try (WorkqClient client = WorkqClient.connect(ClientOptions.builder(Map.of()).address("127.0.0.1:" + port).build())) {
      client.consume("tasks", 4, d -> {
        d.onRevoke(() -> {
          callbacks.incrementAndGet();
          callbackThreads.add(Thread.currentThread().getName());
        });
        deliveries.add(d);
      });
      Channel ch = peer.get(10, TimeUnit.SECONDS);
      ch.writeAndFlush(task(7));
      ch.writeAndFlush(task(8));
      ch.writeAndFlush(new Revoke(7, "t7"));
      Delivery revoked = deliveries.poll(10, TimeUnit.SECONDS);
      Delivery kept = deliveries.poll(10, TimeUnit.SECONDS);
      assertEquals(7, revoked.tag());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      // The mark is set before the callbacks run (outside the delivery's lock): wait for both.
      while ((!revoked.isRevoked() || callbacks.get() == 0) && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertTrue(revoked.isRevoked());
      assertFalse(kept.isRevoked(), "only the delivery named by the REVOKE");
      assertEquals(1, callbacks.get());
      AtomicInteger late = new AtomicInteger();
      revoked.onRevoke(late::incrementAndGet);
      assertEquals(1, late.get(), "a callback added after the revoke runs at once");

      revoked.complete("{}".getBytes());
      revoked.fail("x", false, "{}".getBytes());
      revoked.fail("x", Duration.ofSeconds(1), "{}".getBytes());
      revoked.ack();
      revoked.release();
      kept.fail("boom", Duration.ofMillis(1500), "{}".getBytes());
      // A REVOKE after the delivery was settled changes nothing: the callback does not run.
      ch.writeAndFlush(new Revoke(8, "t8"));
      Message first = sent.poll(10, TimeUnit.SECONDS);
      assertTrue(first instanceof Complete, "got " + first);
      Complete c = (Complete) first;
      assertEquals(8, c.tag(), "nothing was sent for the revoked delivery 7");
      assertEquals(1500L, c.retryMs());
      assertFalse(c.permanent());
      kept.release();
      Message second = sent.poll(10, TimeUnit.SECONDS);
      assertTrue(second instanceof Release r && r.tag() == 8, "got " + second);
      assertFalse(kept.isRevoked());
      assertEquals(1, callbacks.get());
      assertTrue(callbackThreads.get(0).contains("workq"), "revocations arrive on the I/O thread: " + callbackThreads);
      assertTrue(sent.stream().noneMatch(m -> m instanceof Ack), "no ACK for the revoked delivery: " + sent);
    }
  }
}
