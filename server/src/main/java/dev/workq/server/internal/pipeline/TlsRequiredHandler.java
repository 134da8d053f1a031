package dev.workq.server.internal.pipeline;

import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.codec.MessageEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.util.List;

/**
 * In front of the {@link SslHandler} of a TLS broker: looks at the first bytes, and when they are
 * not a TLS record (a plaintext client sending its HELLO) answers, in plaintext, an ERROR that
 * says TLS is required, then closes. Otherwise it removes itself and hands the bytes on. Without
 * it, such a client would only see its connection drop.
 */
public final class TlsRequiredHandler extends ByteToMessageDecoder {

  public static final String NAME = "tls-required";

  /** Bytes of a TLS record header, enough to tell. */
  private static final int SNIFF = 5;

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws IOException {
    if (in.readableBytes() < SNIFF) {
      return;
    }
    if (SslHandler.isEncrypted(in, false)) {
      ctx.pipeline().remove(this);
      return;
    }
    in.skipBytes(in.readableBytes());
    ctx.channel().config().setAutoRead(false);
    ByteBuf frame = ctx.alloc().buffer();
    MessageEncoder.encode(new ErrorReply(0, ErrorCode.PROTOCOL_ERROR,
        "this broker requires TLS: connect with --tls (and --tls-ca)", true), frame);
    ctx.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
  }
}
