package dev.workq.server.internal.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Locale;
import java.util.Set;

/**
 * Keeps other web sites out, before any token is looked at:
 * <ul>
 *   <li><b>DNS rebinding</b>: a request whose {@code Host} is not one of the broker's own names
 *       (see {@link HttpAccess#allowedHosts()}) gets 421 and the connection is closed. A page
 *       from {@code evil.example} that rebinds its name to 127.0.0.1 still sends
 *       {@code Host: evil.example}.</li>
 *   <li><b>CSRF</b>: a state-changing request (anything but GET and HEAD) must be one no form and
 *       no simple cross-origin {@code fetch} can send: {@code Content-Type: application/json} or an
 *       {@code X-Requested-With} header (either makes a browser ask first, with a preflight this
 *       plane never grants); else 415. When it carries an {@code Origin}, that must be this
 *       plane's own ({@code http[s]://<Host>}); else 403.</li>
 * </ul>
 * Nothing a refused request asked for is executed.
 */
final class HostOriginGuard extends ChannelInboundHandlerAdapter {

  static final String NAME = "http-host-origin-guard";

  private final Set<String> allowedHosts;
  private final String scheme;

  HostOriginGuard(HttpAccess access) {
    this.allowedHosts = access.allowedHosts();
    this.scheme = access.https() ? "https://" : "http://";
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest req)) {
      ctx.fireChannelRead(msg);
      return;
    }
    HttpHeaders h = req.headers();
    String host = h.get(HttpHeaderNames.HOST);
    if (host == null || !allowedHosts.contains(hostName(host))) {
      Refusals.refuse(ctx, msg, HttpResponseStatus.MISDIRECTED_REQUEST, host == null
          ? "MISDIRECTED: a request needs a Host header"
          : "MISDIRECTED: this broker does not answer for host '" + Refusals.shortened(host)
              + "' (add it with --http-allow-host if it is one of its names)", true);
      return;
    }
    if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD)) {
      String origin = h.get(HttpHeaderNames.ORIGIN);
      if (origin != null && !origin.equalsIgnoreCase(scheme + host)) {
        Refusals.refuse(ctx, msg, HttpResponseStatus.FORBIDDEN,
            "CROSS_ORIGIN: refused a " + req.method() + " from origin '" + Refusals.shortened(origin) + "'; only this broker's own pages may act", true);
        return;
      }
      if (!nonSimple(h)) {
        Refusals.refuse(ctx, msg, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
            "NOT_JSON: a " + req.method() + " needs 'Content-Type: application/json' (or an X-Requested-With header), "
                + "which no cross-site form can send", true);
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }

  /** Whether a browser would have had to ask (CORS preflight) before sending these headers cross-origin. */
  private static boolean nonSimple(HttpHeaders h) {
    if (h.contains("X-Requested-With")) {
      return true;
    }
    String type = h.get(HttpHeaderNames.CONTENT_TYPE);
    if (type == null) {
      return false;
    }
    int semicolon = type.indexOf(';');
    String media = (semicolon < 0 ? type : type.substring(0, semicolon)).trim();
    return media.equalsIgnoreCase("application/json");
  }

  /** The name in a Host header, lower case, without its port: {@code [::1]:8080} → {@code [::1]}. */
  static String hostName(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end < 0 ? h : h.substring(0, end + 1);
    }
    int colon = h.indexOf(':');
    return colon < 0 ? h : h.substring(0, colon);
  }
}
