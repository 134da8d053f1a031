package dev.workq.protocol.codec;

import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.Message;
import dev.workq.protocol.MessageType;
import dev.workq.protocol.Payload;
import dev.workq.protocol.PayloadMessage;
import io.netty.buffer.ByteBuf;
import java.io.IOException;

/**
 * Protocol 1's frame body, one message per frame: {@code u8 type | u32 headerLength | JSON header |
 * payload} (see {@link Frames}). The header is read and written by {@link JsonHeaders}, databind
 * alone: protocol 1 is the legacy path kept for older peers; protocol 2 ({@link V2Frames}) is the
 * fast one.
 */
final class V1Frames {

  private V1Frames() {}

  /** Decodes one frame body; any defect is a {@link ProtocolException}. */
  static Message decode(ByteBuf frame) {
    if (frame.readableBytes() < Frames.MIN_BODY) {
      throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "frame of " + frame.readableBytes() + " bytes is too short");
    }
    int code = frame.readUnsignedByte();
    MessageType type = MessageType.fromCode(code);
    if (type == null) {
      throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "unknown message type " + code);
    }
    long headerLength = frame.readUnsignedInt();
    if (headerLength > frame.readableBytes()) {
      throw new ProtocolException(ErrorCode.PROTOCOL_ERROR,
          type + " header of " + headerLength + " bytes is longer than the " + frame.readableBytes() + " bytes left in the frame");
    }
    Message message = JsonHeaders.read(type, frame.readSlice((int) headerLength), "header");
    if (message instanceof PayloadMessage pm) {
      byte[] bytes = new byte[frame.readableBytes()];
      frame.readBytes(bytes);
      message = pm.withPayload(Payload.wrap(bytes));
    } else if (frame.isReadable()) {
      throw new ProtocolException(ErrorCode.PROTOCOL_ERROR,
          type + " carries no payload but the frame has " + frame.readableBytes() + " bytes after its header");
    }
    return message;
  }

  /** Appends {@code msg}'s whole frame, length prefix included. */
  static void encode(Message msg, ByteBuf out) throws IOException {
    int start = out.writerIndex();
    out.writeInt(0);
    out.writeByte(msg.type().code());
    int headerStart = out.writerIndex();
    out.writeInt(0);
    JsonHeaders.write(msg, out);
    out.setInt(headerStart, out.writerIndex() - headerStart - 4);
    if (msg instanceof PayloadMessage pm) {
      out.writeBytes(pm.payload().bytes());
    }
    out.setInt(start, out.writerIndex() - start - Frames.LENGTH_FIELD);
  }
}
