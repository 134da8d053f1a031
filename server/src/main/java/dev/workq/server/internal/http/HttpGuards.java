package dev.workq.server.internal.http;

import dev.workq.server.internal.pipeline.ConnectionLimitHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.util.function.Supplier;

/**
 * The pipeline of every HTTP port the broker opens (a single broker's or a leader's, and a
 * cluster follower's): the connection cap, TLS, HTTP/1.1 decoding with bodies up to 64 KiB and a
 * 60 s read timeout, the security headers, the decoder guard (malformed: 400), the Host/Origin
 * guard (rebinding: 421, CSRF: 403/415) and the token check (401/403), then the port's routes.
 * In one place, so that no port can let through what another refuses.
 */
final class HttpGuards extends ChannelInitializer<Channel> {

  private final ConnectionLimitHandler limit;
  private final SslContext ssl;
  private final HttpAccess access;
  private final String routesName;
  private final Supplier<ChannelHandler> routes;

  /** {@code routes}: the last handler, made for each connection (or one that is sharable). */
  HttpGuards(int maxConnections, SslContext ssl, HttpAccess access, String routesName, Supplier<ChannelHandler> routes) {
    this.limit = HttpConnectionLimit.of(maxConnections, ssl != null);
    this.ssl = ssl;
    this.access = access;
    this.routesName = routesName;
    this.routes = routes;
  }

  @Override
  protected void initChannel(Channel ch) {
    ch.pipeline().addLast(ConnectionLimitHandler.NAME, limit);
    if (ssl != null) {
      ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc()));
    }
    ch.pipeline()
        .addLast("read-timeout", new ReadTimeoutHandler(60))
        .addLast("http-codec", new HttpServerCodec())
        .addLast("http-aggregator", new HttpObjectAggregator(64 * 1024))
        .addLast(SecurityHeadersHandler.NAME, SecurityHeadersHandler.INSTANCE)
        .addLast(DecodeFailureHandler.NAME, new DecodeFailureHandler())
        .addLast(HostOriginGuard.NAME, new HostOriginGuard(access))
        .addLast(TokenAuthHandler.NAME, new TokenAuthHandler(access))
        .addLast(routesName, routes.get());
  }
}
