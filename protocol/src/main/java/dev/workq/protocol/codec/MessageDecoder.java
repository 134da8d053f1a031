package dev.workq.protocol.codec;

import dev.workq.protocol.Message;
import dev.workq.protocol.ProtocolVersion;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one frame body (from {@link FrameDecoder}) into its messages: one in protocol 1
 * ({@link V1Frames}), one per record in protocol 2 ({@link V2Frames}). Owns the connection's
 * inbound version and its discarding state. Any defect (unknown type, bad length, malformed JSON
 * or body, a field out of range) becomes a {@link ProtocolException}; nothing else escapes.
 */
public final class MessageDecoder extends MessageToMessageDecoder<ByteBuf> {

  public static final String NAME = "message-decoder";

  /** The layout of the frames this decoder reads; event loop only. */
  private int version = ProtocolVersion.V1;
  /** Set after a failure or by {@link #discardRest}: every later frame is dropped unread. */
  private boolean discarding;

  /** Reads frames of {@code version}'s layout from the next frame on; event loop only. */
  public void version(int version) {
    this.version = ProtocolVersion.require(version);
  }

  /** The layout in force. */
  public int version() {
    return version;
  }

  /**
   * Drops every frame from now on, also those already read behind the current one: after a fatal
   * error nothing the peer sent behind the bad frame is carried out. Event loop only.
   */
  public void discardRest() {
    discarding = true;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
    if (discarding) {
      frame.skipBytes(frame.readableBytes());
      return;
    }
    try {
      decode(frame, version, out);
    } catch (RuntimeException e) {
      // The rest of this frame and every later one are dropped: the connection is going down.
      discarding = true;
      frame.skipBytes(frame.readableBytes());
      throw e;
    }
  }

  /**
   * Decodes one frame body of {@code version}'s layout into its messages, in order. A defect is a
   * {@link ProtocolException}; nothing else escapes.
   */
  public static List<Message> decode(ByteBuf frame, int version) {
    List<Message> out = new ArrayList<>();
    decode(frame, version, out);
    return out;
  }

  /**
   * As {@link #decode(ByteBuf, int)}, appending to {@code out}: when a record of a protocol 2
   * frame is bad, the messages of the records before it are in {@code out} when the exception
   * leaves, so they are carried out, as they would have been had they come in frames of their own.
   */
  public static void decode(ByteBuf frame, int version, List<? super Message> out) {
    switch (version) {
      case ProtocolVersion.V1 -> out.add(V1Frames.decode(frame));
      case ProtocolVersion.V2 -> V2Frames.decode(frame, out);
      default -> throw new IllegalArgumentException("unsupported protocol version " + version);
    }
  }

  /** Decodes one frame body of protocol 1; exposed for tests, tools and fuzzing. */
  public static Message decode(ByteBuf frame) {
    return V1Frames.decode(frame);
  }
}
