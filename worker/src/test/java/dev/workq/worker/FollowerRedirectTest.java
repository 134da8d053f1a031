package dev.workq.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.ClientOptions;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.Hello;
import dev.workq.protocol.Message;
import dev.workq.protocol.codec.FrameDecoder;
import dev.workq.protocol.codec.Frames;
import dev.workq.protocol.codec.MessageDecoder;
import dev.workq.protocol.codec.MessageEncoder;
import dev.workq.server.Broker;
import dev.workq.server.BrokerOptions;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A fake follower (a socket that answers every HELLO with the cluster's fatal NOT_LEADER, naming
 * the leader) in front of a real in-process broker: a client given only the follower's address
 * ends up at the broker and works there.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FollowerRedirectTest {

  private final Broker leader = Broker.start(BrokerOptions.builder().host("127.0.0.1").port(0).build());
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final AtomicInteger hellos = new AtomicInteger();
  private final Channel follower = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
      .childHandler(new ChannelInitializer<SocketChannel>() {
        @Override
        protected void initChannel(SocketChannel ch) {
          ch.pipeline().addLast(new FrameDecoder(Frames.DEFAULT_MAX_FRAME), new MessageDecoder(), new MessageEncoder(),
              new SimpleChannelInboundHandler<Message>() {
                @Override
                protected void channelRead0(ChannelHandlerContext ctx, Message m) {
                  if (m instanceof Hello) {
                    hellos.incrementAndGet();
                    String at = "127.0.0.1:" + leader.port();
                    ctx.writeAndFlush(ErrorReply.notLeader(0, "broker n2 is a follower; the leader is n1 at " + at, at))
                        .addListener(ChannelFutureListener.CLOSE);
                  }
                }
              });
        }
      }).bind("127.0.0.1", 0).syncUninterruptibly().channel();

  @AfterEach
  void tearDown() {
    follower.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    leader.close();
  }

  @Test
  void aClientSentToAFollowerIsRedirectedToTheLeaderAndWorksThere() throws Exception {
    String followerAddress = "127.0.0.1:" + ((InetSocketAddress) follower.localAddress()).getPort();
    String dead = ClusterFailoverTest.deadAddress();
    ClientOptions options = ClientOptions.builder().address(followerAddress + "," + dead).connectTimeout(Duration.ofSeconds(3)).build();
    try (WorkqClient client = WorkqClient.connect(options)) {
      assertEquals(1, hellos.get(), "the follower was asked first and named the leader");
      String id = client.put("values", "hello");
      Optional<dev.workq.client.QueueItem> item = client.get("values", Duration.ofSeconds(5));
      assertTrue(item.isPresent());
      assertEquals(id, item.get().id(), "the leader took the put and hands it back");
    }
  }
}
