package dev.workq.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import dev.workq.protocol.ErrorCode;

/**
 * Splits the byte stream into frame bodies. Checks the announced length before reading the body
 * (fail fast), so an oversized or nonsensical frame is refused without buffering it.
 */
public final class FrameDecoder extends LengthFieldBasedFrameDecoder {

  public static final String NAME = "frame-decoder";

  private final int maxFrame;

  public FrameDecoder(int maxFrame) {
    super(maxFrame + Frames.LENGTH_FIELD, 0, Frames.LENGTH_FIELD, 0, Frames.LENGTH_FIELD, true);
    if (maxFrame < Frames.MIN_BODY) {
      throw new IllegalArgumentException("maxFrame must be at least " + Frames.MIN_BODY + ", got " + maxFrame);
    }
    this.maxFrame = maxFrame;
  }

  @Override
  protected long getUnadjustedFrameLength(ByteBuf buf, int offset, int length, java.nio.ByteOrder order) {
    long announced = buf.getUnsignedInt(offset);
    if (announced > maxFrame) {
      throw new ProtocolException(ErrorCode.FRAME_TOO_LARGE,
          "frame of " + announced + " bytes is over the max-frame of " + maxFrame + " bytes");
    }
    if (announced < Frames.MIN_BODY) {
      throw new ProtocolException(ErrorCode.PROTOCOL_ERROR,
          "frame of " + announced + " bytes is shorter than the minimum of " + Frames.MIN_BODY);
    }
    return announced;
  }
}
