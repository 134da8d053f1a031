package dev.workq.protocol.codec;

import dev.workq.protocol.Message;
import dev.workq.protocol.ProtocolVersion;
import dev.workq.protocol.transport.MessageBatch;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.io.IOException;

/**
 * Writes a {@link Message}, or a {@link MessageBatch}, as length-prefixed frames of the
 * connection's outbound version: {@link V1Frames} or {@link V2Frames}. Owns that version.
 */
public final class MessageEncoder extends MessageToByteEncoder<Object> {

  public static final String NAME = "message-encoder";

  /** The layout of the frames this encoder writes; event loop only. */
  private int version = ProtocolVersion.V1;

  /** Writes frames of {@code version}'s layout from the next message on; event loop only. */
  public void version(int version) {
    this.version = ProtocolVersion.require(version);
  }

  /** The layout in force. */
  public int version() {
    return version;
  }

  public MessageEncoder() {
    super(Object.class);
  }

  @Override
  public boolean acceptOutboundMessage(Object msg) {
    return msg instanceof Message || msg instanceof MessageBatch;
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Object msg, ByteBuf out) throws IOException {
    if (msg instanceof MessageBatch batch) {
      encode(batch, out, version);
    } else {
      encode((Message) msg, out, version);
    }
  }

  /** Appends {@code msg} as a frame of {@code version}'s layout. */
  public static void encode(Message msg, ByteBuf out, int version) throws IOException {
    encode(new MessageBatch(java.util.List.of(msg)), out, version);
  }

  /**
   * Appends {@code batch} as frames of {@code version}'s layout: one frame per message in protocol
   * 1; in protocol 2 frames of several records, each up to {@link V2Frames#BATCH_FRAME} bytes.
   *
   * @throws IllegalArgumentException if a message cannot be written in {@code version}'s layout
   *     (protocol 2: a required string that is null, a string over 65,535 bytes)
   */
  public static void encode(MessageBatch batch, ByteBuf out, int version) throws IOException {
    switch (version) {
      case ProtocolVersion.V1 -> {
        for (Message m : batch.messages()) {
          V1Frames.encode(m, out);
        }
      }
      case ProtocolVersion.V2 -> V2Frames.encode(batch.messages(), out);
      default -> throw new IllegalArgumentException("unsupported protocol version " + version);
    }
  }

  /** Appends {@code msg}'s frame in protocol 1's layout to {@code out}; exposed for tests and tools. */
  public static void encode(Message msg, ByteBuf out) throws IOException {
    V1Frames.encode(msg, out);
  }
}
