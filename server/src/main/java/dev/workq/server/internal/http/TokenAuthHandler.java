package dev.workq.server.internal.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The HTTP plane's bearer tokens, its own and never the authkey: the read token allows GET (the
 * API's reads and {@code /metrics}), the admin token allows everything. The dashboard's files and
 * {@code /healthz} hold no data and need none. A missing or unknown token gets 401 (the
 * connection stays open: the dashboard asks and retries), a read token on an action gets 403.
 * Tokens are compared as SHA-256 digests in constant time, so neither their bytes nor their
 * lengths leak through timing. With no token configured the plane is open and this handler passes
 * everything on.
 */
final class TokenAuthHandler extends ChannelInboundHandlerAdapter {

  static final String NAME = "http-auth";

  private final byte[] readDigest;
  private final byte[] adminDigest;
  private final boolean open;

  TokenAuthHandler(HttpAccess access) {
    this.open = access.open();
    this.readDigest = access.readToken() == null ? null : sha256(access.readToken());
    this.adminDigest = access.adminToken() == null ? null : sha256(access.adminToken());
  }

  private enum Role { NONE, READ, ADMIN }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (open || !(msg instanceof FullHttpRequest req)) {
      ctx.fireChannelRead(msg);
      return;
    }
    boolean read = req.method().equals(HttpMethod.GET) || req.method().equals(HttpMethod.HEAD);
    if (read && HttpApiHandler.isPublic(new QueryStringDecoder(req.uri()).path())) {
      ctx.fireChannelRead(msg);
      return;
    }
    Role role = role(req.headers().get(HttpHeaderNames.AUTHORIZATION));
    if (role == Role.NONE) {
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      FullHttpResponse r = Refusals.answer(HttpResponseStatus.UNAUTHORIZED,
          "AUTH_FAILED: send the HTTP read or admin token (not the authkey) as 'Authorization: Bearer <token>'");
      r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"workq\"");
      Refusals.send(ctx, msg, r, !keepAlive);
      return;
    }
    if (!read && role != Role.ADMIN) {
      Refusals.refuse(ctx, msg, HttpResponseStatus.FORBIDDEN, adminDigest == null
          ? "FORBIDDEN: needs the admin token, and this broker has none (--http-admin-token-file)"
          : "FORBIDDEN: needs the admin token; the read token only reads", !HttpUtil.isKeepAlive(req));
      return;
    }
    ctx.fireChannelRead(msg);
  }

  private Role role(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Role.NONE;
    }
    byte[] given = sha256(header.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    // Both compared every time, so the answer's timing does not say which token was close.
    boolean admin = adminDigest != null & MessageDigest.isEqual(given, adminDigest == null ? new byte[32] : adminDigest);
    boolean reader = readDigest != null & MessageDigest.isEqual(given, readDigest == null ? new byte[32] : readDigest);
    return admin ? Role.ADMIN : reader ? Role.READ : Role.NONE;
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }
}
