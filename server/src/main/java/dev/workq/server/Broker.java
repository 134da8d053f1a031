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
import dev.workq.server.internal.Resources;
import dev.workq.server.internal.core.CoreConfig;
import dev.workq.server.internal.http.HttpServer;
import dev.workq.server.internal.journal.JournalInUseException;
import dev.workq.server.internal.journal.FileStorage;
import dev.workq.server.internal.journal.JournalOptions;
import dev.workq.server.internal.journal.Storage;
import java.nio.file.Path;
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

  /** Name and version sent in WELCOME. */
  public static final String NAME = "workq/0.1";

  private static final Logger log = LoggerFactory.getLogger(Broker.class);

  private final BrokerCore core;
  private final HttpServer http;
  private final boolean https;
  private final Channel serverChannel;
  private final BrokerChannelInitializer initializer;
  /** Everything {@link #start} started, closed in reverse by {@link #close()}. */
  private final Resources resources;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private volatile Throwable fatal;

  private Broker(BrokerCore core, Channel serverChannel, BrokerChannelInitializer initializer, HttpServer http,
      boolean https, Resources resources) {
    this.https = https;
    this.core = core;
    this.serverChannel = serverChannel;
    this.initializer = initializer;
    this.http = http;
    this.resources = resources;
  }

  /**
   * Binds and starts serving. If a step fails, whatever was started before it is stopped again,
   * in reverse order, before the failure is thrown.
   *
   * @throws BrokerException if the address cannot be bound (port in use, unknown host), the data
   *     directory or journal cannot be used, or the TLS files cannot be read
   */
  public static Broker start(BrokerOptions options) {
    return start(options, new FileStorage());
  }

  /**
   * For fault-injection tests only: starts a broker whose journal writes through {@code storage}
   * instead of the file system. Kept off the public options so the journal's internals stay internal.
   */
  static Broker startOnStorageForTests(BrokerOptions options, Storage storage) {
    return start(options, storage);
  }

  private static Broker start(BrokerOptions options, Storage storage) {
    return start(options, meters -> createCore(options, storage, meters));
  }

  /**
   * Starts a broker around the core {@code coreFactory} makes: a cluster leader's, whose state
   * changes go to the replicated log. The options' data directory must be unset (the cluster node
   * holds the directory's lock and its Raft log).
   */
  static Broker start(BrokerOptions options, java.util.function.Function<BrokerMeters, BrokerCore> coreFactory) {
    Resources started = new Resources();
    try {
      return start(options, coreFactory, started);
    } catch (RuntimeException e) {
      throw started.closeAfter(e);
    } catch (Error e) {
      throw started.closeAfter(e);
    }
  }

  /** Starts each part in order, adding it to {@code started} as soon as it runs. */
  private static Broker start(BrokerOptions options, java.util.function.Function<BrokerMeters, BrokerCore> coreFactory,
      Resources started) {
    ListenOptions listen = options.listen();
    // Its start time is the broker's, exported so dashboards see where its counters restart from zero.
    BrokerMeters meters = new BrokerMeters(System.currentTimeMillis());
    Path dataDir = options.durability().dataDir();
    if (dataDir != null) {
      try {
        started.add("the lock on " + dataDir, DataDirLock.acquire(dataDir));
      } catch (IOException e) {
        throw new BrokerException("cannot use data directory " + dataDir + ": " + e.getMessage(), e);
      }
    }
    checkExposure(options);
    // Checked before anything listens: an HTTP plane weaker than the broker port is refused.
    HttpStart.Prepared httpSetup = options.http().enabled() ? HttpStart.prepare(options) : null;
    SslContext ssl = options.security().tls() ? Tls.serverContext(options.security()) : null;
    BrokerCore core = started.add("the core", coreFactory.apply(meters));
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("workq-accept"), NioIoHandler.newFactory());
    started.onClose("the accept thread", () -> boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly());
    EventLoopGroup io = new MultiThreadIoEventLoopGroup(listen.ioThreads(), new DefaultThreadFactory("workq-io"),
        NioIoHandler.newFactory());
    started.onClose("the I/O threads", () -> io.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly());
    ChannelGroup connections = new DefaultChannelGroup("workq-connections", GlobalEventExecutor.INSTANCE);
    // Connections need the core and the event loops to close gracefully, so they go before both.
    started.onClose("the connections", () -> closeConnections(core, connections));
    BrokerChannelInitializer initializer = new BrokerChannelInitializer(options, core, NAME, connections, ssl);
    Channel channel = bind(listen, new ServerBootstrap()
        .group(boss, io)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
        .childHandler(initializer));
    started.onClose("the listener", () -> channel.close().syncUninterruptibly());
    HttpServer http = null;
    if (httpSetup != null) {
      int httpPort = options.http().port();
      try {
        http = started.add("the HTTP listener", HttpServer.start(listen.host(), httpPort, boss, io, core,
            httpSetup.access(), httpSetup.ssl(), options.http().maxConnections(), initializer::handshakeStats, meters));
      } catch (Exception e) {
        throw new BrokerException("cannot listen for HTTP on " + listen.host() + ":" + httpPort + ": " + e.getMessage(), e);
      }
      log.info("workq HTTP (metrics, API, dashboard) on {}://{}:{}/{}", httpSetup.ssl() != null ? "https" : "http", listen.host(),
          http.port(), httpSetup.access().readToken() == null && httpSetup.access().adminToken() == null ? ", no tokens" : "");
    }
    Broker broker = new Broker(core, channel, initializer, http, httpSetup != null && httpSetup.ssl() != null, started);
    core.onFatal(broker::stopAfterFatal);
    log.info("workq broker listening on {}{}{}", channel.localAddress(), options.security().tls() ? " with TLS" : "",
        options.security().authkey() != null ? ", authkey required" : ", no authkey");
    return broker;
  }

  private static Channel bind(ListenOptions listen, ServerBootstrap bootstrap) {
    try {
      return bootstrap.bind(new InetSocketAddress(listen.host(), listen.port())).sync().channel();
    } catch (Exception e) {
      String why = e instanceof BindException ? e.getMessage() : e.toString();
      throw new BrokerException("cannot listen on " + listen.host() + ":" + listen.port() + ": " + why, e);
    }
  }

  /**
   * Closes every connection: the core closes each session behind its shutdown notice; those
   * still in their handshake are closed here, since shutting the event loops down alone does not
   * reliably close the channels they serve.
   */
  private static void closeConnections(BrokerCore core, ChannelGroup connections) {
    core.announceShutdown().orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> null).join();
    for (Channel c : connections) {
      if (!DispatchHandler.hasSession(c)) {
        c.eventLoop().execute(() -> c.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE));
      }
    }
    connections.newCloseFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
    connections.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
  }

  /**
   * Without an authkey anyone who reaches the port can submit tasks, and a worker runs them: so a
   * broker without a key listens on loopback only, unless told {@code insecure}.
   */
  private static void checkExposure(BrokerOptions options) {
    SecurityOptions security = options.security();
    ListenOptions listen = options.listen();
    if (security.authkey() != null || security.insecure()) {
      return;
    }
    boolean loopback;
    try {
      loopback = InetAddress.getByName(listen.host()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new BrokerException("cannot listen on " + listen.host() + ":" + listen.port() + ": unknown host", e);
    }
    if (!loopback) {
      throw new BrokerException("refusing to listen on " + listen.host() + " without an authkey: anyone who can reach it could run "
          + "tasks; give --authkey-file (or set " + Authkey.ENV + "), or --insecure to do it anyway");
    }
  }

  private static BrokerCore createCore(BrokerOptions options, Storage storage, BrokerMeters meters) {
    CoreConfig config = CoreConfig.of(options);
    DurabilityOptions durability = options.durability();
    if (!durability.journaled()) {
      return BrokerCore.inMemory(config, meters);
    }
    JournalOptions journal = JournalOptions.builder(durability)
        .storage(storage)
        .fsyncTimer(meters.fsyncTimer())
        .build();
    Path dataDir = durability.dataDir();
    try {
      return BrokerCore.durable(config, journal, durability.compactMinBytes(), meters);
    } catch (JournalInUseException e) {
      // The LOCK file did not stop this broker, so it was deleted or replaced under a running one.
      throw new BrokerException("another broker is using " + dataDir + ": it holds " + e.file()
          + " locked (" + dataDir.resolve("LOCK") + " must have been deleted or replaced under it)", e);
    } catch (IOException e) {
      throw new BrokerException("cannot open the journal in " + dataDir + ": " + e.getMessage(), e);
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

  /** Whether the HTTP port speaks HTTPS (false when HTTP is off). */
  public boolean httpsEnabled() {
    return https;
  }

  /** Connections open now, handshaken or not. */
  public int connectionCount() {
    return initializer.connectionCount();
  }

  /**
   * What connections still in their handshake hold now (count, bytes in partial frames) and how
   * many the broker closed to keep them within {@link ListenOptions#maxHandshakesPerAddress()} and
   * {@link ListenOptions#handshakeBufferBudget()}; for metrics. Cheap, callable from any thread.
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

  /**
   * Stops accepting, closes every connection and stops the broker's threads, in the reverse of
   * the order {@link #start} started them. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed.isDone()) {
      return;
    }
    try {
      resources.close();
    } catch (RuntimeException e) {
      // Everything else was still closed; the broker is stopped, if not cleanly.
      log.warn("workq broker did not stop cleanly: {}", e.getMessage(), e);
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
