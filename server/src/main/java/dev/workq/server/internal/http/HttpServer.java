package dev.workq.server.internal.http;

import dev.workq.server.internal.BrokerMeters;
import dev.workq.server.internal.core.BrokerCore;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The broker's HTTP listener (metrics, API, dashboard), sharing the broker's event loops and bound
 * to the broker's host; HTTPS when given a TLS context. Every connection passes the guards of
 * {@link HttpGuards} (the connection cap, the decoder guard, the Host/Origin guard, the token
 * check, the security headers, the body cap and idle timeout), then the API. Owns the
 * "workq-http" thread that builds the answers and the JVM meters ({@link JvmMeters});
 * {@link #close()} stops and unbinds them.
 */
public final class HttpServer implements AutoCloseable {

  /** Answers waiting for the HTTP plane's thread; past it, requests get 503. */
  static final int MAX_QUEUED_ANSWERS = 1024;

  private final Channel channel;
  private final ExecutorService executor;
  private final JvmMeters jvm;

  private HttpServer(Channel channel, ExecutorService executor, JvmMeters jvm) {
    this.channel = channel;
    this.executor = executor;
    this.jvm = jvm;
  }

  /**
   * Binds {@code host:port}; throws if it cannot. {@code /metrics} serves {@code meters}' registry.
   * At most {@code maxConnections} are open at once ({@link HttpConnectionLimit}).
   * {@code ssl}: HTTPS with this context, or null for plaintext (which the broker allows on loopback only).
   */
  public static HttpServer start(String host, int port, EventLoopGroup boss, EventLoopGroup io, BrokerCore core, HttpAccess access,
      SslContext ssl, int maxConnections, java.util.function.Supplier<dev.workq.server.HandshakeStats> handshakes, BrokerMeters meters)
      throws InterruptedException {
    // One thread builds every answer drawn from the core (see HttpPlane): not the core, not an event loop.
    ExecutorService executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(MAX_QUEUED_ANSWERS), new DefaultThreadFactory("workq-http", true));
    JvmMeters jvm = new JvmMeters(meters.registry());
    HttpPlane plane = new HttpPlane(new BrokerMetrics(meters.registry(), handshakes), new SnapshotCache(core::snapshot, executor),
        new HealthCheck(core::ping, HealthCheck.DEFAULT_DEADLINE), executor);
    ServerBootstrap b = new ServerBootstrap().group(boss, io).channel(NioServerSocketChannel.class)
        .childHandler(new HttpGuards(maxConnections, ssl, access, "http-api", () -> new HttpApiHandler(core, plane)));
    try {
      return new HttpServer(b.bind(new InetSocketAddress(host, port)).sync().channel(), executor, jvm);
    } catch (RuntimeException | InterruptedException e) {
      executor.shutdownNow();
      jvm.close();
      throw e;
    }
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    jvm.close();
    executor.shutdown();
    try {
      if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
