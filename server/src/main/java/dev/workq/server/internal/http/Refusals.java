package dev.workq.server.internal.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.util.Map;

/** How the HTTP plane's guards answer a request they stop: a JSON error, the request released, nothing executed. */
final class Refusals {

  private Refusals() {}

  /** Answers {@code status} with {@code {"error": error}}; {@code close} ends the connection after it. */
  static void refuse(ChannelHandlerContext ctx, Object request, HttpResponseStatus status, String error, boolean close) {
    send(ctx, request, answer(status, error), close);
  }

  /** The JSON error answer, for a guard that adds a header before sending it. */
  static FullHttpResponse answer(HttpResponseStatus status, String error) {
    return HttpApiHandler.json(status, Map.of("error", error));
  }

  /** Releases {@code request} and sends {@code answer}; {@code close} ends the connection after it. */
  static void send(ChannelHandlerContext ctx, Object request, FullHttpResponse answer, boolean close) {
    ReferenceCountUtil.release(request);
    HttpApiHandler.send(ctx, answer, !close);
  }

  /** {@code s} cut to 100 characters, for echoing a peer's value back in an error. */
  static String shortened(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "...";
  }
}
