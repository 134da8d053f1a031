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

  private final int ceiling;
  private int maxFrame;

  /** Refuses frames over {@code maxFrame} bytes (the body, after the length prefix). */
  public FrameDecoder(int maxFrame) {
    super(maxFrame + Frames.LENGTH_FIELD, 0, Frames.LENGTH_FIELD, 0, Frames.LENGTH_FIELD, true);
    if (maxFrame < Frames.MIN_BODY) {
      throw new IllegalArgumentException("maxFrame must be at least " + Frames.MIN_BODY + ", got " + maxFrame);
    }
    this.ceiling = maxFrame;
    this.maxFrame = maxFrame;
  }

  /**
   * Lowers (or restores) the limit, up to the one given at construction; event loop only. The
   * broker keeps it small until a peer has authenticated, so a stranger cannot make it buffer a
   * 16 MiB frame per connection.
   */
  public void maxFrame(int limit) {
    if (limit < Frames.MIN_BODY || limit > ceiling) {
      throw new IllegalArgumentException("limit must be " + Frames.MIN_BODY + ".." + ceiling + ", got " + limit);
    }
    this.maxFrame = limit;
  }

  /** The limit in force. */
  public int maxFrame() {
    return maxFrame;
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
