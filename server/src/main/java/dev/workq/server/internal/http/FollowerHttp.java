package dev.workq.server.internal.http;

import dev.workq.protocol.ClusterInfo;
import dev.workq.server.BrokerException;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The HTTP port of a cluster node while it does not lead, so that a supervisor's probe and a
 * Prometheus server see every node, not only the leader: {@code /healthz} (is this node part of a
 * cluster with a leader), {@code /metrics} (the JVM's meters and the cluster gauges of {@link
 * ClusterMetrics}) and {@code /api/cluster} (this node's view); anything else gets 503 naming the
 * leader, whose HTTP port serves the API and the dashboard. Its pipeline is the leader's
 * ({@link HttpGuards}): the same tokens, TLS, connection cap, body cap and idle timeout. It
 * holds no broker state; its one event-loop thread builds every answer, all of them small and
 * read from the Raft server's memory.
 */
public final class FollowerHttp implements AutoCloseable {

  private final EventLoopGroup group;
  private final Channel channel;
  private final JvmMeters jvm;

  private FollowerHttp(EventLoopGroup group, Channel channel, JvmMeters jvm) {
    this.group = group;
    this.channel = channel;
    this.jvm = jvm;
  }

  /**
   * Binds {@code host:port}, for at most {@code maxConnections} at once. {@code cluster}: this node's view, read at each request;
   * {@code notLeader}: why this node does not serve, and where the leader is.
   *
   * @throws BrokerException if it cannot bind (its cause a {@code BindException} when the port is in use)
   */
  public static FollowerHttp start(String host, int port, HttpAccess access, SslContext ssl, int maxConnections,
      Supplier<ClusterInfo> cluster, Supplier<String> notLeader) {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("workq-follower-http", true),
        NioIoHandler.newFactory());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    JvmMeters jvm = new JvmMeters(registry);
    Routes routes = new Routes(registry, cluster, notLeader);
    try {
      Channel channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
          .childHandler(new HttpGuards(maxConnections, ssl, access, "follower-api", () -> routes))
          .bind(new InetSocketAddress(host, port)).sync().channel();
      return new FollowerHttp(group, channel, jvm);
    } catch (Exception e) {
      // Netty's sync() rethrows the bind's IOException unchecked; caught here as what it is.
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      jvm.close();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new BrokerException("cannot serve HTTP on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  /** The answers; stateless but for the registry, so one instance serves every connection. */
  @io.netty.channel.ChannelHandler.Sharable
  static final class Routes extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final PrometheusMeterRegistry registry;
    private final ClusterMetrics metrics;
    private final Supplier<ClusterInfo> cluster;
    private final Supplier<String> notLeader;

    Routes(PrometheusMeterRegistry registry, Supplier<ClusterInfo> cluster, Supplier<String> notLeader) {
      this.registry = registry;
      this.metrics = new ClusterMetrics(registry);
      this.cluster = cluster;
      this.notLeader = notLeader;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      HttpApiHandler.send(ctx, answer(req.method(), new QueryStringDecoder(req.uri()).path()), HttpUtil.isKeepAlive(req));
    }

    FullHttpResponse answer(HttpMethod method, String path) {
      boolean read = method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD);
      if (read && path.equals(HttpApiHandler.HEALTH_PATH)) {
        return health(cluster.get());
      }
      if (read && path.equals("/metrics")) {
        metrics.update(cluster.get());
        return HttpApiHandler.bytes(HttpResponseStatus.OK, registry.scrape().getBytes(StandardCharsets.UTF_8),
            HttpApiHandler.METRICS_TYPE);
      }
      if (read && path.equals("/api/cluster")) {
        return HttpApiHandler.json(HttpResponseStatus.OK, java.util.Collections.singletonMap("cluster", cluster.get()));
      }
      return HttpApiHandler.json(HttpResponseStatus.SERVICE_UNAVAILABLE,
          Map.of("error", "NOT_LEADER: " + notLeader.get() + "; the leader's HTTP port serves the API and the dashboard"));
    }

    /**
     * 200 while a leader is known (this node follows it and the cluster can serve), else 503: a
     * node cut off from the majority, or in an election, is not part of a working cluster.
     */
    private FullHttpResponse health(ClusterInfo c) {
      boolean following = c.leader() != null && !c.leader().equals(c.node());
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", following ? "following" : "not_serving");
      body.put("role", c.role());
      body.put("leader", c.leader());
      if (!following) {
        body.put("error", "NOT_LEADER: " + notLeader.get());
      }
      return HttpApiHandler.json(following ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      HttpApiHandler.failed(ctx, cause);
    }
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    jvm.close();
  }
}
