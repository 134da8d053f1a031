package dev.workq.server;

import dev.workq.protocol.StatsReply;
import dev.workq.server.internal.core.BrokerCore;
import dev.workq.server.internal.pipeline.BrokerChannelInitializer;
import dev.workq.server.internal.pipeline.DispatchHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import dev.workq.server.internal.BrokerMeters;
import dev.workq.server.internal.DataDirLock;
import dev.workq.server.internal.core.CoreConfig;
import dev.workq.server.internal.http.HttpServer;
import dev.workq.server.internal.journal.JournalInUseException;
import dev.workq.server.internal.journal.JournalOptions;
import java.io.IOException;
import dev.workq.protocol.auth.Authkey;
import io.netty.handler.ssl.SslContext;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
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

  /** Room left in a frame for a delivery's header (at most half of max-frame): payloads may use the rest. */
  private static final int PAYLOAD_HEADROOM = 4096;

  /** Name and version sent in WELCOME. */
  public static final String NAME = "workq/0.1";

  private static final Logger log = LoggerFactory.getLogger(Broker.class);

  private final BrokerCore core;
  private final DataDirLock lock;
  private final ChannelGroup connections;
  private final HttpServer http;
  private final EventLoopGroup bossGroup;
  private final EventLoopGroup ioGroup;
  private final Channel serverChannel;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final BrokerChannelInitializer initializer;
  private volatile Throwable fatal;

  private Broker(BrokerCore core, EventLoopGroup boss, EventLoopGroup io, Channel serverChannel, DataDirLock lock,
      ChannelGroup connections, BrokerChannelInitializer initializer, HttpServer http) {
    this.initializer = initializer;
    this.connections = connections;
    this.http = http;
    this.core = core;
    this.lock = lock;
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
    // Its start time is the broker's, exported so dashboards see where its counters restart from zero.
    BrokerMeters meters = new BrokerMeters(System.currentTimeMillis());
    DataDirLock lock = null;
    if (options.dataDir() != null) {
      try {
        lock = DataDirLock.acquire(options.dataDir());
      } catch (IOException e) {
        throw new BrokerException("cannot use data directory " + options.dataDir() + ": " + e.getMessage(), e);
      }
    }
    checkExposure(options);
    SslContext ssl = options.tls() ? Tls.serverContext(options) : null;
    ChannelGroup connections = new DefaultChannelGroup("workq-connections", GlobalEventExecutor.INSTANCE);
    BrokerCore core;
    try {
      core = createCore(options, meters);
    } catch (RuntimeException e) {
      if (lock != null) {
        lock.close();
      }
      throw e;
    }
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("workq-accept"), NioIoHandler.newFactory());
    EventLoopGroup io = new MultiThreadIoEventLoopGroup(options.ioThreads(), new DefaultThreadFactory("workq-io"), NioIoHandler.newFactory());
    BrokerChannelInitializer initializer = new BrokerChannelInitializer(options, core, NAME, connections, ssl);
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(boss, io)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
        .childHandler(initializer);
    Channel channel;
    try {
      channel = bootstrap.bind(new InetSocketAddress(options.host(), options.port())).sync().channel();
    } catch (Exception e) {
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      core.close();
      if (lock != null) {
        lock.close();
      }
      String why = e instanceof BindException ? e.getMessage() : e.toString();
      throw new BrokerException("cannot listen on " + options.host() + ":" + options.port() + ": " + why, e);
    }
    HttpServer http = null;
    if (options.httpPort() >= 0) {
      try {
        http = HttpServer.start(options.host(), options.httpPort(), boss, io, core, options.authkey(), initializer::handshakeStats,
            meters);
      } catch (Exception e) {
        channel.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        core.close();
        if (lock != null) {
          lock.close();
        }
        throw new BrokerException("cannot listen for HTTP on " + options.host() + ":" + options.httpPort() + ": " + e.getMessage(), e);
      }
      log.info("workq HTTP (metrics, API, dashboard) on http://{}:{}/", options.host(), http.port());
    }
    Broker broker = new Broker(core, boss, io, channel, lock, connections, initializer, http);
    core.onFatal(broker::stopAfterFatal);
    log.info("workq broker listening on {}{}{}", channel.localAddress(), options.tls() ? " with TLS" : "",
        options.authkey() != null ? ", authkey required" : ", no authkey");
    return broker;
  }

  /**
   * Without an authkey anyone who reaches the port can submit tasks, and a worker runs them: so a
   * broker without a key listens on loopback only, unless told {@code insecure}.
   */
  private static void checkExposure(BrokerOptions options) {
    if (options.authkey() != null || options.insecure()) {
      return;
    }
    boolean loopback;
    try {
      loopback = InetAddress.getByName(options.host()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new BrokerException("cannot listen on " + options.host() + ":" + options.port() + ": unknown host", e);
    }
    if (!loopback) {
      throw new BrokerException("refusing to listen on " + options.host() + " without an authkey: anyone who can reach it could run "
          + "tasks; give --authkey-file (or set " + Authkey.ENV + "), or --insecure to do it anyway");
    }
  }

  private static BrokerCore createCore(BrokerOptions options, BrokerMeters meters) {
    int headroom = Math.min(PAYLOAD_HEADROOM, options.maxFrame() / 2);
    CoreConfig config = new CoreConfig(options.maxQueueLength(), options.maxFrame() - headroom, options.maxAttempts(),
        options.lease().toMillis(), options.retryBackoff().toMillis(), options.retryBackoffMax().toMillis(),
        options.maxQueueBytes(), options.maxMemoryBytes(), options.maxQueues(), options.maxQueuesPerConnection(),
        options.maxConsumers(), options.maxConsumersPerConnection(), options.maxFrame() / 2, options.maxPendingBytes());
    if (options.dataDir() == null) {
      return BrokerCore.inMemory(config, meters);
    }
    JournalOptions journal = JournalOptions.builder()
        .dataDir(options.dataDir())
        .fsync(options.fsync())
        .batchIntervalMillis(options.fsyncIntervalMs())
        .storage(options.storage())
        .fsyncTimer(meters.fsyncTimer())
        .build();
    try {
      return BrokerCore.durable(config, journal, options.compactMinBytes(), meters);
    } catch (JournalInUseException e) {
      // The LOCK file did not stop this broker, so it was deleted or replaced under a running one.
      throw new BrokerException("another broker is using " + options.dataDir() + ": it holds " + e.file()
          + " locked (" + options.dataDir().resolve("LOCK") + " must have been deleted or replaced under it)", e);
    } catch (IOException e) {
      throw new BrokerException("cannot open the journal in " + options.dataDir() + ": " + e.getMessage(), e);
    }
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /** The address actually bound. */
  public InetSocketAddress address() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /** The HTTP port actually bound, or -1 when HTTP is off. */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  /** Connections open now, handshaken or not. */
  public int connectionCount() {
    return initializer.connectionCount();
  }

  /**
   * What connections still in their handshake hold now (count, bytes in partial frames) and how
   * many the broker closed to keep them within {@link BrokerOptions#maxHandshakesPerAddress()} and
   * {@link BrokerOptions#handshakeBufferBudget()}; for metrics. Cheap, callable from any thread.
   */
  public HandshakeStats handshakeStats() {
    return initializer.handshakeStats();
  }

  /** Counters of every queue and the connected workers. */
  public StatsReply stats() {
    return core.stats().join();
  }

  /** The broker's core; for tests of its failure path. */
  BrokerCore core() {
    return core;
  }

  /** Deliveries whose leases the core is timing; for tests of what the broker retains. */
  int leasesTracked() {
    return core.leasesTracked().join();
  }

  /** Completes when the broker has closed. */
  public CompletableFuture<Void> closeFuture() {
    return closed;
  }

  /**
   * The core thread failed with an Error: the broker's state cannot be trusted, so it stops, and
   * {@link #closeFuture()} completes exceptionally with the Error (the CLI then exits non-zero, so
   * a supervisor restarts it). The journal is not touched again: what it holds is what a restart
   * replays.
   */
  private void stopAfterFatal(Throwable error) {
    fatal = error;
    Thread stopper = new Thread(this::close, "workq-fatal-stop");
    stopper.setDaemon(false);
    stopper.start();
  }

  /** Stops accepting, closes every connection and stops the broker's threads. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed.isDone()) {
      return;
    }
    serverChannel.close().syncUninterruptibly();
    if (http != null) {
      http.close();
    }
    core.announceShutdown().orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> null).join();
    // The core closes each session behind its shutdown notice. Connections still in their
    // handshake are closed here: shutting the event loops down alone does not reliably close the
    // channels they serve.
    for (Channel c : connections) {
      if (!DispatchHandler.hasSession(c)) {
        c.eventLoop().execute(() -> c.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE));
      }
    }
    connections.newCloseFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
    connections.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    core.close();
    if (lock != null) {
      lock.close();
    }
    if (fatal != null) {
      log.error("workq broker stopped after a fatal error: {}", String.valueOf(fatal));
      closed.completeExceptionally(fatal);
    } else {
      log.info("workq broker stopped");
      closed.complete(null);
    }
  }
}
