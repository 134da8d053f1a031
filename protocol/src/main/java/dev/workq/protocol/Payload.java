package dev.workq.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Opaque payload bytes: by convention UTF-8 JSON, but the broker treats them as bytes it forwards
 * and never parses. Immutable: the array passed to {@link #wrap} must not be changed afterwards.
 */
public final class Payload {

  public static final Payload EMPTY = new Payload(new byte[0]);

  private final byte[] bytes;

  private Payload(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Wraps {@code bytes} without copying; the caller hands over ownership. */
  public static Payload wrap(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return EMPTY;
    }
    return new Payload(bytes);
  }

  public static Payload ofUtf8(String text) {
    return wrap(text.getBytes(StandardCharsets.UTF_8));
  }

  public int length() {
    return bytes.length;
  }

  /** The bytes themselves (not a copy, for speed): never modify them. */
  public byte[] bytes() {
    return bytes;
  }

  public String utf8() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Payload p && Arrays.equals(bytes, p.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return bytes.length <= 64 ? utf8() : utf8().substring(0, 64) + "…(" + bytes.length + " bytes)";
  }
}
