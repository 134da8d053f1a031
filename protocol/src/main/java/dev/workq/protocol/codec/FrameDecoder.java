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
  /** Whether {@link #maxFrame} is the smaller limit that applies until the peer is welcomed. */
  private boolean beforeHandshake;

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
    this.beforeHandshake = false;
  }

  /**
   * As {@link #maxFrame(int)}, for the limit that applies until the handshake completes; a frame
   * over it is refused with a message that says so, since the peer may well be within max-frame.
   * Restore max-frame with {@link #maxFrame(int)} once the peer is welcomed.
   */
  public void handshakeMaxFrame(int limit) {
    maxFrame(limit);
    this.beforeHandshake = true;
  }

  /**
   * Bytes of memory this decoder holds for a frame not yet complete: the capacity of its
   * cumulation buffer, which is what the allocator gave (rounded up, and never less than the
   * bytes buffered), not the bytes received. 0 when nothing is buffered. Event loop only.
   */
  public int heldBytes() {
    ByteBuf held = internalBuffer();
    return held.isReadable() ? held.capacity() : 0;
  }

  /** The limit in force. */
  public int maxFrame() {
    return maxFrame;
  }

  @Override
  protected long getUnadjustedFrameLength(ByteBuf buf, int offset, int length, java.nio.ByteOrder order) {
    long announced = buf.getUnsignedInt(offset);
    if (announced > maxFrame) {
      throw new ProtocolException(ErrorCode.FRAME_TOO_LARGE, beforeHandshake
          ? "frame of " + announced + " bytes is over the limit of " + maxFrame
              + " bytes that applies before the handshake completes (max-frame applies after WELCOME)"
          : "frame of " + announced + " bytes is over the max-frame of " + maxFrame + " bytes");
    }
    if (announced < Frames.MIN_BODY) {
      throw new ProtocolException(ErrorCode.PROTOCOL_ERROR,
          "frame of " + announced + " bytes is shorter than the minimum of " + Frames.MIN_BODY);
    }
    return announced;
  }
}
