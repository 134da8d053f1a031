package dev.workq.protocol.codec;

import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.MessageType;
import dev.workq.protocol.Payload;
import io.netty.buffer.ByteBuf;
import java.util.function.Supplier;

/**
 * Reads the fields of one protocol 2 record body in order, checking each against the bytes left
 * before it reads, so a short or inconsistent body fails as a {@link ProtocolException} that names
 * the message and the field, never as an index error.
 */
final class BodyReader {

  private final MessageType type;
  private final ByteBuf body;
  private final int size;

  BodyReader(MessageType type, ByteBuf body) {
    this.type = type;
    this.body = body;
    this.size = body.readableBytes();
  }

  MessageType type() {
    return type;
  }

  /** Bytes not yet read. */
  int remaining() {
    return body.readableBytes();
  }

  long i64(String field) {
    need(8, field);
    return body.readLong();
  }

  int i32(String field) {
    need(4, field);
    return body.readInt();
  }

  long u32(String field) {
    need(4, field);
    return body.readUnsignedInt();
  }

  int u8(String field) {
    need(1, field);
    return body.readUnsignedByte();
  }

  ItemKind kind() {
    return WireKinds.of(u8("kind"));
  }

  /**
   * A flags byte. A bit this version does not define is fatal: it would announce fields this
   * reader does not know, and their length cannot be known, so nothing after them can be read.
   */
  int flags(int defined) {
    int flags = u8("flags");
    if ((flags & ~defined) != 0) {
      throw error(String.format("flags 0x%02x set a bit protocol 2 does not define for %s (defined: 0x%02x)", flags, type, defined));
    }
    return flags;
  }

  String str(String field) {
    need(2, field + "'s length");
    int length = body.readUnsignedShort();
    need(length, field);
    String s = WireStrings.read(body, length);
    if (s == null) {
      throw error(field + " is not well-formed UTF-8");
    }
    return s;
  }

  /** The str if {@code present}, else null. */
  String str(String field, boolean present) {
    return present ? str(field) : null;
  }

  /** The rest of the body, the payload. */
  Payload rest() {
    byte[] bytes = new byte[body.readableBytes()];
    body.readBytes(bytes);
    return Payload.wrap(bytes);
  }

  /** Checks that nothing is left: a message without a payload fills its body exactly. */
  void end() {
    if (body.isReadable()) {
      throw error("body of " + size + " bytes has " + body.readableBytes() + " bytes after its last field");
    }
  }

  /**
   * Builds the message; a check of the record's constructor (an IllegalArgumentException) becomes
   * a fatal PROTOCOL_ERROR "invalid TYPE: ...", as a bad protocol 1 header does.
   */
  <T> T build(Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (IllegalArgumentException e) {
      throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "invalid " + type + ": " + e.getMessage(), e);
    }
  }

  ProtocolException error(String message) {
    return new ProtocolException(ErrorCode.PROTOCOL_ERROR, type + " " + message);
  }

  private void need(int bytes, String field) {
    if (body.readableBytes() < bytes) {
      throw error("body of " + size + " bytes ends inside " + field + " (at byte " + body.readerIndex()
          + ", needs " + bytes + ", has " + body.readableBytes() + ")");
    }
  }
}
