package dev.workq.protocol.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.Json;
import dev.workq.protocol.Message;
import dev.workq.protocol.MessageType;
import dev.workq.protocol.Payload;
import dev.workq.protocol.PayloadMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.io.IOException;
import java.util.List;

/**
 * Turns one frame body (from {@link FrameDecoder}) into a {@link Message}. Any defect (unknown
 * type, bad header length, malformed JSON, a field out of range) becomes a
 * {@link ProtocolException}; nothing else escapes.
 */
public final class MessageDecoder extends MessageToMessageDecoder<ByteBuf> {

  public static final String NAME = "message-decoder";

  /** The layout of the frames this decoder reads; event loop only. */
  private int version = dev.workq.protocol.ProtocolVersion.V1;
  /** Set after a failure or by {@link #discardRest}: every later frame is dropped unread. */
  private boolean discarding;

  /** Reads frames of {@code version}'s layout from the next frame on; event loop only. */
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

  /**
   * Drops every frame from now on, also those already read behind the current one: after a fatal
   * error nothing the peer sent behind the bad frame is carried out. Event loop only.
   */
  public void discardRest() {
    discarding = true;
  }

  private static final ObjectReader[] READERS = new ObjectReader[256];

  static {
    for (MessageType t : MessageType.values()) {
      READERS[t.code()] = Json.mapper().readerFor(t.messageClass());
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
    if (discarding) {
      frame.skipBytes(frame.readableBytes());
      return;
    }
    try {
      out.addAll(decode(frame, version));
    } catch (RuntimeException e) {
      discarding = true;
      throw e;
    }
  }

  /** Decodes one frame body of {@code version}'s layout into its messages, in order. */
  public static List<Message> decode(ByteBuf frame, int version) {
    if (version != dev.workq.protocol.ProtocolVersion.V1) {
      throw new UnsupportedOperationException("protocol " + version + " is not written yet");
    }
    return List.of(decode(frame));
  }

  /** Decodes one frame body of protocol 1; exposed for tests and fuzzing. */
  public static Message decode(ByteBuf frame) {
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
    ByteBuf headerBytes = frame.readSlice((int) headerLength);
    Message message = HotHeaders.read(type, headerBytes);
    if (message == null) {
      message = readWithDatabind(type, headerBytes);
    }
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

  /** Reads a header with databind alone; the fast path's reference, and its fallback. */
  static Message readWithDatabind(MessageType type, ByteBuf headerBytes) {
    Message message;
    try (ByteBufInputStream header = new ByteBufInputStream(headerBytes.duplicate())) {
      message = READERS[type.code()].readValue((java.io.InputStream) header);
    } catch (JsonProcessingException e) {
      throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "malformed " + type + " header: " + rootMessage(e), e);
    } catch (IOException e) {
      throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "unreadable " + type + " header: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "invalid " + type + " header: " + e.getMessage(), e);
    }
    if (message == null) {
      throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, type + " header is null");
    }
    return message;
  }

  private static String rootMessage(JsonProcessingException e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t instanceof JsonProcessingException j ? j.getOriginalMessage() : t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
  }
}
