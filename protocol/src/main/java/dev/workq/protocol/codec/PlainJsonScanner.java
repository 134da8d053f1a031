package dev.workq.protocol.codec;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Reads one flat JSON object of the shape {@link HotHeaders} writes, straight from a buffer:
 * members whose values are integers, strings of printable ASCII without escapes, {@code true},
 * {@code false} or {@code null}. Anything else (an escape, a non-ASCII byte, a fraction, a nested
 * value, a leading zero, trailing bytes) throws {@link #NOT_PLAIN}, and the caller falls back to
 * databind, which accepts or rejects it by the full JSON rules. Within the plain shape it agrees
 * with Jackson's reading; {@code CodecFuzzTest} compares the two on every input it has.
 */
final class PlainJsonScanner {

  /** Thrown for anything outside the plain shape; no stack trace, it is control flow. */
  static final RuntimeException NOT_PLAIN = new RuntimeException("not the plain header shape", null, false, false) {
  };

  enum Kind { INT, STRING, TRUE, FALSE, NULL }

  private final ByteBuf buf;
  private final int end;
  private int pos;
  private boolean first = true;
  private long number;
  private String text;

  PlainJsonScanner(ByteBuf buf) {
    this.buf = buf;
    this.pos = buf.readerIndex();
    this.end = buf.writerIndex();
  }

  /** Reads the opening brace. */
  void begin() {
    skipWhitespace();
    expect('{');
  }

  /** The next member's name, or null at the closing brace (after which only whitespace may follow). */
  String nextName() {
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      skipWhitespace();
      if (pos != end) {
        throw NOT_PLAIN;
      }
      return null;
    }
    if (!first) {
      expect(',');
      skipWhitespace();
    }
    first = false;
    String name = string();
    skipWhitespace();
    expect(':');
    return name;
  }

  /** Reads the member's value; {@link #number()} or {@link #text()} then hold it. */
  Kind value() {
    skipWhitespace();
    int c = peek();
    if (c == '"') {
      text = string();
      return Kind.STRING;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      number = integer();
      return Kind.INT;
    }
    if (literal("true")) {
      return Kind.TRUE;
    }
    if (literal("false")) {
      return Kind.FALSE;
    }
    if (literal("null")) {
      return Kind.NULL;
    }
    throw NOT_PLAIN;
  }

  long number() {
    return number;
  }

  String text() {
    return text;
  }

  private int peek() {
    if (pos >= end) {
      throw NOT_PLAIN;
    }
    return buf.getByte(pos) & 0xff;
  }

  private void expect(char c) {
    if (peek() != c) {
      throw NOT_PLAIN;
    }
    pos++;
  }

  private void skipWhitespace() {
    while (pos < end) {
      byte b = buf.getByte(pos);
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        return;
      }
      pos++;
    }
  }

  private String string() {
    expect('"');
    int start = pos;
    while (true) {
      int c = peek();
      if (c == '"') {
        break;
      }
      if (c < 0x20 || c > 0x7e || c == '\\') {
        throw NOT_PLAIN;
      }
      pos++;
    }
    String s = buf.toString(start, pos - start, StandardCharsets.US_ASCII);
    pos++;
    return s;
  }

  /** A JSON integer that fits a long: {@code -?(0|[1-9][0-9]*)}, not followed by a fraction or exponent. */
  private long integer() {
    boolean negative = false;
    if (peek() == '-') {
      negative = true;
      pos++;
    }
    int first = peek();
    if (first < '0' || first > '9') {
      throw NOT_PLAIN;
    }
    int digits = 0;
    long value = 0;
    while (pos < end) {
      int c = buf.getByte(pos) & 0xff;
      if (c < '0' || c > '9') {
        break;
      }
      if (digits > 0 && value == 0) {
        throw NOT_PLAIN;
      }
      if (++digits > 19) {
        throw NOT_PLAIN;
      }
      // Accumulate negatively so that Long.MIN_VALUE fits.
      long next = value * 10 - (c - '0');
      if (value < Long.MIN_VALUE / 10 || next > value) {
        throw NOT_PLAIN;
      }
      value = next;
      pos++;
    }
    if (pos < end) {
      int c = buf.getByte(pos) & 0xff;
      if (c == '.' || c == 'e' || c == 'E') {
        throw NOT_PLAIN;
      }
    }
    if (negative) {
      return value;
    }
    if (value == Long.MIN_VALUE) {
      throw NOT_PLAIN;
    }
    return -value;
  }

  /** Consumes {@code word} if it is next and ends there (a delimiter, whitespace or the end follows). */
  private boolean literal(String word) {
    int n = word.length();
    if (end - pos < n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (buf.getByte(pos + i) != word.charAt(i)) {
        return false;
      }
    }
    int after = pos + n;
    if (after < end) {
      byte b = buf.getByte(after);
      if (b != ',' && b != '}' && b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        throw NOT_PLAIN;
      }
    }
    pos = after;
    return true;
  }
}
