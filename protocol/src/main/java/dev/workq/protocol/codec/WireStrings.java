package dev.workq.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Protocol 2's {@code str}: a u16 byte length, then that many bytes of UTF-8. Decoded strictly
 * (a malformed sequence, an overlong form or an encoded surrogate is refused, not replaced), so
 * every peer reads the same text from the same bytes; ASCII, nearly every name on the wire, takes
 * a fast path.
 */
final class WireStrings {

  /** The most bytes a str holds. */
  static final int MAX_BYTES = 0xffff;

  private WireStrings() {}

  /**
   * Bytes {@code value} takes as a str, prefix included. A lone surrogate counts as the one byte
   * {@code '?'} it is written as (Java's own replacement), so the bytes are always valid UTF-8.
   *
   * @throws IllegalArgumentException if the UTF-8 is over {@link #MAX_BYTES}
   */
  static int size(String field, String value) {
    int bytes = ByteBufUtil.utf8Bytes(value);
    if (bytes > MAX_BYTES) {
      throw new IllegalArgumentException(field + " is " + bytes + " bytes of UTF-8, over the " + MAX_BYTES + " a str holds");
    }
    return 2 + bytes;
  }

  /** Appends {@code value} as a str; {@link #size} has checked its length. */
  static void write(String value, ByteBuf out) {
    int at = out.writerIndex();
    out.writeShort(0);
    out.setShort(at, ByteBufUtil.writeUtf8(out, value));
  }

  /**
   * Decodes {@code length} bytes at {@code buf}'s reader index and skips them, or returns null
   * (nothing skipped) if they are not well-formed UTF-8.
   */
  static String read(ByteBuf buf, int length) {
    byte[] bytes = new byte[length];
    buf.getBytes(buf.readerIndex(), bytes);
    String s = ascii(bytes) ? new String(bytes, StandardCharsets.ISO_8859_1) : strictUtf8(bytes);
    if (s != null) {
      buf.skipBytes(length);
    }
    return s;
  }

  private static boolean ascii(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }

  private static String strictUtf8(byte[] bytes) {
    try {
      // A decoder per call: only non-ASCII text comes here, and decoders are not thread-safe.
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
