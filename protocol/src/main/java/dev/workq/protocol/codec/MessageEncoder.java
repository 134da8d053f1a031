package dev.workq.protocol.codec;

import com.fasterxml.jackson.databind.ObjectWriter;
import dev.workq.protocol.Json;
import dev.workq.protocol.Message;
import dev.workq.protocol.MessageType;
import dev.workq.protocol.PayloadMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.io.IOException;

/** Writes a {@link Message} as one length-prefixed frame (see {@link Frames}). */
@ChannelHandler.Sharable
public final class MessageEncoder extends MessageToByteEncoder<Message> {

  public static final String NAME = "message-encoder";

  private static final ObjectWriter[] WRITERS = new ObjectWriter[256];

  static {
    for (MessageType t : MessageType.values()) {
      WRITERS[t.code()] = Json.mapper().writerFor(t.messageClass());
    }
  }

  public MessageEncoder() {
    super(Message.class);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Message msg, ByteBuf out) throws IOException {
    encode(msg, out);
  }

  /** Writes {@code msg}'s header with databind alone, for tests that compare it with the fast path. */
  static void writeHeaderWithDatabind(Message msg, ByteBuf out) throws IOException {
    try (ByteBufOutputStream header = new ByteBufOutputStream(out)) {
      WRITERS[msg.type().code()].writeValue((java.io.OutputStream) header, msg);
    }
  }

  /** Appends {@code msg}'s frame to {@code out}; exposed for tests and tools. */
  public static void encode(Message msg, ByteBuf out) throws IOException {
    MessageType type = msg.type();
    int start = out.writerIndex();
    out.writeInt(0);
    out.writeByte(type.code());
    int headerStart = out.writerIndex();
    out.writeInt(0);
    if (HotHeaders.handles(type)) {
      HotHeaders.write(msg, out);
    } else {
      try (ByteBufOutputStream header = new ByteBufOutputStream(out)) {
        WRITERS[type.code()].writeValue((java.io.OutputStream) header, msg);
      }
    }
    out.setInt(headerStart, out.writerIndex() - headerStart - 4);
    if (msg instanceof PayloadMessage pm) {
      out.writeBytes(pm.payload().bytes());
    }
    out.setInt(start, out.writerIndex() - start - Frames.LENGTH_FIELD);
  }
}
