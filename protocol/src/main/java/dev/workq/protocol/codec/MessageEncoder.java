package dev.workq.protocol.codec;

import com.fasterxml.jackson.databind.ObjectWriter;
import dev.workq.protocol.Json;
import dev.workq.protocol.Message;
import dev.workq.protocol.MessageType;
import dev.workq.protocol.PayloadMessage;
import dev.workq.protocol.transport.MessageBatch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.io.IOException;

/** Writes a {@link Message} as one length-prefixed frame (see {@link Frames}). */
public final class MessageEncoder extends MessageToByteEncoder<Object> {

  public static final String NAME = "message-encoder";

  /** The layout of the frames this encoder writes; event loop only. */
  private int version = dev.workq.protocol.ProtocolVersion.V1;

  /** Writes frames of {@code version}'s layout from the next message on; event loop only. */
  public void version(int version) {
    if (!dev.workq.protocol.ProtocolVersion.isSupported(version)) {
      throw new IllegalArgumentException("unsupported protocol version " + version);
    }
    this.version = version;
  }

  /** The layout in force. */
  public int version() {
    return version;
  }

  private static final ObjectWriter[] WRITERS = new ObjectWriter[256];

  static {
    for (MessageType t : MessageType.values()) {
      WRITERS[t.code()] = Json.mapper().writerFor(t.messageClass());
    }
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

  /** Appends {@code batch} as frames of {@code version}'s layout (several messages per frame from protocol 2). */
  public static void encode(MessageBatch batch, ByteBuf out, int version) throws IOException {
    if (version != dev.workq.protocol.ProtocolVersion.V1) {
      throw new UnsupportedOperationException("protocol " + version + " is not written yet");
    }
    for (Message m : batch.messages()) {
      encode(m, out);
    }
  }

  /** Writes {@code msg}'s header with databind alone, for tests that compare it with the fast path. */
  static void writeHeaderWithDatabind(Message msg, ByteBuf out) throws IOException {
    try (ByteBufOutputStream header = new ByteBufOutputStream(out)) {
      WRITERS[msg.type().code()].writeValue((java.io.OutputStream) header, msg);
    }
  }

  /** Appends {@code msg}'s frame in protocol 1's layout to {@code out}; exposed for tests and tools. */
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
