package dev.workq.server.internal.core;

/**
 * Writes one journal record into an array of its exact size, big-endian, with strings in Java's
 * modified UTF-8 behind a u16 length: the bytes {@link java.io.DataOutputStream} writes, without
 * its synchronized stream underneath. Records are encoded on the core thread for every put and
 * removal, so this is on the broker's hottest path.
 */
final class RecordBytes {

  private final byte[] bytes;
  private int pos;

  RecordBytes(int size) {
    this.bytes = new byte[size];
  }

  /** Bytes {@link #utf} writes for {@code s}: its length field and its modified UTF-8. */
  static int utfSize(String s) {
    int n = s.length();
    int size = n;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c == 0 || c >= 0x80) {
        size += c >= 0x800 ? 2 : 1;
      }
    }
    if (size > 0xFFFF) {
      throw new IllegalArgumentException("string of " + size + " bytes does not fit a u16 length");
    }
    return 2 + size;
  }

  RecordBytes u8(int v) {
    bytes[pos++] = (byte) v;
    return this;
  }

  RecordBytes bool(boolean v) {
    return u8(v ? 1 : 0);
  }

  RecordBytes i16(int v) {
    bytes[pos++] = (byte) (v >>> 8);
    bytes[pos++] = (byte) v;
    return this;
  }

  RecordBytes i32(int v) {
    bytes[pos++] = (byte) (v >>> 24);
    bytes[pos++] = (byte) (v >>> 16);
    bytes[pos++] = (byte) (v >>> 8);
    bytes[pos++] = (byte) v;
    return this;
  }

  RecordBytes i64(long v) {
    i32((int) (v >>> 32));
    return i32((int) v);
  }

  /** {@code s} as {@link java.io.DataOutput#writeUTF} writes it; its size must have been counted with {@link #utfSize}. */
  RecordBytes utf(String s) {
    int lengthAt = pos;
    pos += 2;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c != 0 && c < 0x80) {
        bytes[pos++] = (byte) c;
      } else if (c < 0x800) {
        bytes[pos++] = (byte) (0xC0 | (c >> 6));
        bytes[pos++] = (byte) (0x80 | (c & 0x3F));
      } else {
        bytes[pos++] = (byte) (0xE0 | (c >> 12));
        bytes[pos++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        bytes[pos++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    int length = pos - lengthAt - 2;
    bytes[lengthAt] = (byte) (length >>> 8);
    bytes[lengthAt + 1] = (byte) length;
    return this;
  }

  RecordBytes raw(byte[] b) {
    System.arraycopy(b, 0, bytes, pos, b.length);
    pos += b.length;
    return this;
  }

  /** The record; every byte counted must have been written. */
  byte[] done() {
    if (pos != bytes.length) {
      throw new IllegalStateException("record sized " + bytes.length + " bytes, " + pos + " written");
    }
    return bytes;
  }
}
