package dev.workq.server.internal.http;

import dev.workq.server.internal.core.BrokerCore;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;

/**
 * The broker's HTTP listener (metrics, API, dashboard), sharing the broker's event loops and bound
 * to the broker's host. With an authkey, data needs it as a bearer token. Request bodies are capped
 * at 64 KiB and a connection idle for 60 s is closed.
 */
public final class HttpServer implements AutoCloseable {

  private final Channel channel;

  private HttpServer(Channel channel) {
    this.channel = channel;
  }

  /** Binds {@code host:port}; throws if it cannot. */
  public static HttpServer start(String host, int port, EventLoopGroup boss, EventLoopGroup io, BrokerCore core, byte[] token)
      throws InterruptedException {
    BrokerMetrics metrics = new BrokerMetrics();
    ServerBootstrap b = new ServerBootstrap().group(boss, io).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline()
                .addLast("read-timeout", new ReadTimeoutHandler(60))
                .addLast("http-codec", new HttpServerCodec())
                .addLast("http-aggregator", new HttpObjectAggregator(64 * 1024))
                .addLast("http-api", new HttpApiHandler(core, metrics, token));
          }
        });
    return new HttpServer(b.bind(new InetSocketAddress(host, port)).sync().channel());
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }
}
