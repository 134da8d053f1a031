package dev.workq.worker.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import dev.workq.protocol.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One JSON value as its UTF-8 bytes, for handlers that pass a payload on without looking inside:
 * a handler whose input type is {@code JsonBytes} gets the task's payload as it came, checked to
 * be one JSON value but not mapped to Java objects, and a handler that returns one has its bytes
 * put into the result record as they are. So a payload relayed this way is read once, never
 * parsed into a tree and written again.
 *
 * <p>Always one compact line: a value written with line breaks between its tokens is rewritten
 * without them, since a result record prints as one line.
 */
public final class JsonBytes {

  private static final JsonFactory FACTORY = Json.mapper().getFactory();

  private final byte[] bytes;

  private JsonBytes(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * {@code bytes} as a JSON value; the array is not copied, so do not change it afterwards.
   *
   * @throws IllegalArgumentException if {@code bytes} is not exactly one JSON value
   */
  public static JsonBytes of(byte[] bytes) {
    boolean lineBreaks = check(bytes);
    return new JsonBytes(lineBreaks ? compact(bytes) : bytes);
  }

  /** {@code text} (one JSON value) as UTF-8 bytes. */
  public static JsonBytes of(String text) {
    return of(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The bytes themselves, not a copy: never change them. */
  public byte[] bytes() {
    return bytes;
  }

  /** The value as text. */
  public String text() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** Reads through every token without building anything; answers whether a raw line break occurs. */
  private static boolean check(byte[] bytes) {
    try (JsonParser p = FACTORY.createParser(bytes)) {
      if (p.nextToken() == null) {
        throw new IllegalArgumentException("not a JSON value: empty");
      }
      p.skipChildren();
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("not one JSON value: text after the value at "
            + p.currentTokenLocation().getCharOffset());
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("not a JSON value: " + firstLine(e.getMessage()), e);
    }
    // In valid JSON a raw CR or LF can only be whitespace between tokens (strings escape them).
    for (byte b : bytes) {
      if (b == '\n' || b == '\r') {
        return true;
      }
    }
    return false;
  }

  private static byte[] compact(byte[] bytes) {
    try {
      JsonNode tree = Json.mapper().readTree(bytes);
      return Json.mapper().writeValueAsBytes(tree);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a JSON value: " + firstLine(e.getMessage()), e);
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JsonBytes j && java.util.Arrays.equals(bytes, j.bytes);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    String t = text();
    return t.length() <= 64 ? t : t.substring(0, 64) + "…(" + bytes.length + " bytes)";
  }
}
