package dev.workq.protocol.codec;

import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.Message;
import dev.workq.protocol.MessageType;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.List;

/**
 * Protocol 2's frame body: one or more records, each {@code u32 recordLength | u8 type | body}
 * (docs/PROTOCOL.md §2a). The hot messages' bodies are binary ({@link BodyLayouts}); the others'
 * are their JSON ({@link JsonHeaders}). Owns the record framing and the batching rule.
 */
final class V2Frames {

  /**
   * The frame body a sender fills before it starts a new frame: 64 KiB. Big enough that a burst
   * of deliveries shares a few frames, small enough that a receiver is not kept waiting for
   * the end of a long frame before it can start on the first record. A receiver accepts more:
   * any number of records up to its max-frame.
   */
  static final int BATCH_FRAME = 64 * 1024;
  /** Bytes of a record's length field. */
  static final int RECORD_LENGTH_FIELD = 4;

  private V2Frames() {}

  /**
   * Decodes the records of one frame body into {@code out}, in order. A bad record throws a
   * {@link ProtocolException} with the messages before it already in {@code out}.
   */
  static void decode(ByteBuf frame, List<? super Message> out) {
    int start = frame.readerIndex();
    int record = 1;
    do {
      int offset = frame.readerIndex() - start;
      if (frame.readableBytes() < RECORD_LENGTH_FIELD) {
        throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "record " + record + " at byte " + offset + " of the frame: "
            + frame.readableBytes() + " bytes left, too few for its length field");
      }
      long length = frame.readUnsignedInt();
      if (length < 1) {
        throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "record " + record + " at byte " + offset
            + " of the frame has length 0; a record holds at least its type byte");
      }
      if (length > frame.readableBytes()) {
        throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "record " + record + " at byte " + offset + " of the frame has length "
            + length + ", past the frame's end (" + frame.readableBytes() + " bytes left)");
      }
      int code = frame.readUnsignedByte();
      MessageType type = MessageType.fromCode(code);
      if (type == null) {
        throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "unknown message type " + code + " (record " + record + " of the frame)");
      }
      ByteBuf body = frame.readSlice((int) length - 1);
      out.add(read(type, body));
      record++;
    } while (frame.isReadable());
  }

  private static Message read(MessageType type, ByteBuf body) {
    BodyLayout layout = BodyLayouts.of(type);
    if (layout == null) {
      return JsonHeaders.read(type, body, "body");
    }
    return layout.read(new BodyReader(type, body));
  }

  /**
   * Appends {@code messages} as frames of records, in order: a frame is closed when the next
   * record would take its body over {@link #BATCH_FRAME}; a record bigger than that gets a frame
   * of its own. One message makes a one-record frame.
   *
   * @throws IllegalArgumentException if a message does not fit its layout; nothing of that
   *     message has been written then
   */
  static void encode(List<Message> messages, ByteBuf out) throws IOException {
    int frameStart = -1;
    for (Message m : messages) {
      MessageType type = m.type();
      BodyLayout layout = BodyLayouts.of(type);
      byte[] json = layout == null ? JsonHeaders.bytes(m) : null;
      int bodySize = layout == null ? json.length : layout.size(m);
      int recordSize = RECORD_LENGTH_FIELD + 1 + bodySize;
      if (frameStart < 0 || out.writerIndex() - frameStart - Frames.LENGTH_FIELD + recordSize > BATCH_FRAME) {
        closeFrame(out, frameStart);
        frameStart = out.writerIndex();
        out.writeInt(0);
      }
      out.writeInt(1 + bodySize);
      out.writeByte(type.code());
      int bodyStart = out.writerIndex();
      if (layout == null) {
        out.writeBytes(json);
      } else {
        layout.write(m, out);
      }
      if (out.writerIndex() - bodyStart != bodySize) {
        // A layout whose size() and write() disagree would corrupt every later record: fail here.
        throw new IllegalStateException(type + " layout wrote " + (out.writerIndex() - bodyStart) + " bytes, announced " + bodySize);
      }
    }
    closeFrame(out, frameStart);
  }

  private static void closeFrame(ByteBuf out, int frameStart) {
    if (frameStart >= 0) {
      out.setInt(frameStart, out.writerIndex() - frameStart - Frames.LENGTH_FIELD);
    }
  }
}
