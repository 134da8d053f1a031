package dev.workq.server.internal.http;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Adds the browser-facing security headers to every answer, refusals included: a Content Security
 * Policy that lets the dashboard load only its own files and never be framed (clickjacking),
 * {@code nosniff} (a JSON answer is never run as a script) and no Referer leaving the page.
 * Sits next to the codec, so the guards' refusals pass it too.
 */
@Sharable
final class SecurityHeadersHandler extends ChannelOutboundHandlerAdapter {

  static final String NAME = "http-security-headers";
  static final SecurityHeadersHandler INSTANCE = new SecurityHeadersHandler();

  /** The dashboard's own files and API only; no inline script, no plugin, never in a frame, forms only to itself. */
  static final String CSP = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

  private SecurityHeadersHandler() {}

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpResponse r) {
      HttpHeaders h = r.headers();
      h.set("Content-Security-Policy", CSP);
      h.set("X-Content-Type-Options", "nosniff");
      h.set("Referrer-Policy", "no-referrer");
      // For browsers that predate frame-ancestors.
      h.set("X-Frame-Options", "DENY");
    }
    ctx.write(msg, promise);
  }
}
