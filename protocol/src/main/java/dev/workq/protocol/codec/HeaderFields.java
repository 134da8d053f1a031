package dev.workq.protocol.codec;

import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Json;
import io.netty.buffer.ByteBuf;

/**
 * Builds a header's JSON in a small array, then copies it into the frame in one write: a
 * direct buffer's per-byte writes were most of the encoder's time in the profile.
 */
final class HeaderFields {
  private final ByteBuf out;
  private byte[] b = new byte[192];
  private int n;

  HeaderFields(ByteBuf out) {
    this.out = out;
  }

  private void room(int more) {
    if (n + more > b.length) {
      b = java.util.Arrays.copyOf(b, Math.max(b.length * 2, n + more));
    }
  }

  private void ascii(String s) {
    int len = s.length();
    room(len);
    for (int i = 0; i < len; i++) {
      b[n++] = (byte) s.charAt(i);
    }
  }

  private void name(String name) {
    room(name.length() + 4);
    byte separator = (byte) (n == 0 ? '{' : ',');
    b[n++] = separator;
    b[n++] = '"';
    ascii(name);
    room(2);
    b[n++] = '"';
    b[n++] = ':';
  }

  HeaderFields num(String name, long value) {
    name(name);
    room(20);
    if (value == Long.MIN_VALUE) {
      ascii("-9223372036854775808");
      return this;
    }
    if (value < 0) {
      b[n++] = '-';
      value = -value;
    }
    int start = n;
    do {
      b[n++] = (byte) ('0' + value % 10);
      value /= 10;
    } while (value != 0);
    for (int i = start, k = n - 1; i < k; i++, k--) {
      byte t = b[i];
      b[i] = b[k];
      b[k] = t;
    }
    return this;
  }

  HeaderFields bool(String name, boolean value) {
    name(name);
    ascii(value ? "true" : "false");
    return this;
  }

  HeaderFields kind(ItemKind kind) {
    return kind == null ? this : str("kind", kind.name());
  }

  HeaderFields str(String name, String value) {
    if (value == null) {
      return this;
    }
    name(name);
    if (plain(value)) {
      room(value.length() + 2);
      b[n++] = '"';
      ascii(value);
      b[n++] = '"';
    } else {
      // Rare (escapes, non-ASCII): Jackson's own generator, for its exact escaping.
      byte[] quoted;
      try {
        quoted = Json.mapper().writeValueAsBytes(value);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalArgumentException("cannot write " + name + " as JSON: " + e.getOriginalMessage(), e);
      }
      room(quoted.length);
      System.arraycopy(quoted, 0, b, n, quoted.length);
      n += quoted.length;
    }
    return this;
  }

  void end() {
    room(2);
    if (n == 0) {
      b[n++] = '{';
    }
    b[n++] = '}';
    out.writeBytes(b, 0, n);
  }

  /** Printable ASCII without quote or backslash: written as is. */
  private static boolean plain(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }
}
