package dev.workq.server.internal.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Stops every request Netty's decoder marked as failed (a bad chunk, conflicting lengths, a bad
 * header): 400 and the connection closed, nothing executed. The aggregator still hands such a
 * request on, with whatever it read, so without this guard a request whose body failed to decode
 * would run on its headers alone; and a server that reads a request differently from a proxy in
 * front of it invites request smuggling.
 */
final class DecodeFailureHandler extends ChannelInboundHandlerAdapter {

  static final String NAME = "http-decode-guard";

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof DecoderResultProvider p && p.decoderResult().isFailure()) {
      Refusals.refuse(ctx, msg, HttpResponseStatus.BAD_REQUEST, "BAD_REQUEST: the request is not valid HTTP/1.1; nothing was done", true);
      return;
    }
    ctx.fireChannelRead(msg);
  }
}
