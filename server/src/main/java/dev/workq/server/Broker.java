package dev.workq.server;

import dev.workq.protocol.StatsReply;
import dev.workq.server.internal.core.BrokerCore;
import dev.workq.server.internal.pipeline.BrokerChannelInitializer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running workq broker: named task queues and done queues served over TCP. Start one with
 * {@link #start(BrokerOptions)}, stop it with {@link #close()}.
 *
 * <pre>{@code
 * try (Broker broker = Broker.start(BrokerOptions.builder().port(0).build())) {
 *   int port = broker.port();
 *   ...
 * }
 * }</pre>
 */
public final class Broker implements AutoCloseable {

  /** Name and version sent in WELCOME. */
  public static final String NAME = "workq/0.1";

  private static final Logger log = LoggerFactory.getLogger(Broker.class);

  private final BrokerCore core;
  private final EventLoopGroup bossGroup;
  private final EventLoopGroup ioGroup;
  private final Channel serverChannel;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  private Broker(BrokerCore core, EventLoopGroup boss, EventLoopGroup io, Channel serverChannel) {
    this.core = core;
    this.bossGroup = boss;
    this.ioGroup = io;
    this.serverChannel = serverChannel;
  }

  /**
   * Binds and starts serving.
   *
   * @throws BrokerException if the address cannot be bound (port in use, unknown host)
   */
  public static Broker start(BrokerOptions options) {
    BrokerCore core = new BrokerCore(options.maxQueueLength());
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("workq-accept"), NioIoHandler.newFactory());
    EventLoopGroup io = new MultiThreadIoEventLoopGroup(options.ioThreads(), new DefaultThreadFactory("workq-io"), NioIoHandler.newFactory());
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(boss, io)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
        .childHandler(new BrokerChannelInitializer(options, core, NAME));
    Channel channel;
    try {
      channel = bootstrap.bind(new InetSocketAddress(options.host(), options.port())).sync().channel();
    } catch (Exception e) {
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      core.close();
      String why = e instanceof BindException ? e.getMessage() : e.toString();
      throw new BrokerException("cannot listen on " + options.host() + ":" + options.port() + ": " + why, e);
    }
    Broker broker = new Broker(core, boss, io, channel);
    log.info("workq broker listening on {}", channel.localAddress());
    return broker;
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /** The address actually bound. */
  public InetSocketAddress address() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /** Counters of every queue and the connected workers. */
  public StatsReply stats() {
    return core.stats().join();
  }

  /** Completes when the broker has closed. */
  public CompletableFuture<Void> closeFuture() {
    return closed;
  }

  /** Stops accepting, closes every connection and stops the broker's threads. Idempotent. */
  @Override
  public void close() {
    if (closed.isDone()) {
      return;
    }
    serverChannel.close().syncUninterruptibly();
    bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    core.close();
    log.info("workq broker stopped");
    closed.complete(null);
  }
}
