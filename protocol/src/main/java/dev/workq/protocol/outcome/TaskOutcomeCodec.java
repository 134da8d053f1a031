package dev.workq.protocol.outcome;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.workq.protocol.Json;
import dev.workq.protocol.Payload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The bytes of a {@link TaskOutcome}: one JSON object, members in the order {@code id, ok, value,
 * error, worker, attempts, elapsedMs}, every member present ({@code null} where there is none),
 * then {@code trace} only when there is one (so a record without it is the bytes it always was),
 * no whitespace, so each record prints as one line. docs/PROTOCOL.md ("Result records") is the
 * specification.
 *
 * <p>Encoding copies the value's bytes in as they are. Decoding streams the object and slices
 * the value's bytes out of the input without building a tree; unknown members are skipped, so
 * newer workers can add some. A value that spans lines (a hand-written worker's pretty-printed
 * JSON) is rewritten compactly, since a raw line break may only appear between tokens.
 */
public final class TaskOutcomeCodec {

  private static final JsonFactory FACTORY = Json.mapper().getFactory();
  private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

  private TaskOutcomeCodec() {}

  /** {@code outcome} as one compact JSON object. */
  public static Payload encode(TaskOutcome outcome) {
    byte[] value = outcome.value() == null ? NULL : outcome.value().bytes();
    ByteArrayOutputStream out = new ByteArrayOutputStream(96 + value.length);
    out.writeBytes(ascii("{\"id\":"));
    string(out, outcome.id());
    out.writeBytes(ascii(",\"ok\":" + outcome.ok() + ",\"value\":"));
    out.writeBytes(value);
    out.writeBytes(ascii(",\"error\":"));
    string(out, outcome.error());
    out.writeBytes(ascii(",\"worker\":"));
    string(out, outcome.worker());
    out.writeBytes(ascii(",\"attempts\":" + outcome.attempts() + ",\"elapsedMs\":" + outcome.elapsedMs()));
    if (outcome.trace() != null) {
      out.writeBytes(ascii(",\"trace\":["));
      for (int i = 0; i < outcome.trace().size(); i++) {
        if (i > 0) {
          out.write(',');
        }
        string(out, outcome.trace().get(i));
      }
      out.write(']');
    }
    out.write('}');
    return Payload.wrap(out.toByteArray());
  }

  /**
   * Reads a result record.
   *
   * @throws IllegalArgumentException if {@code payload} is not a JSON object with members of the
   *     types above (the message says which member and why)
   */
  public static TaskOutcome decode(Payload payload) {
    byte[] in = payload.bytes();
    String id = null;
    boolean ok = false;
    Payload value = null;
    String error = null;
    String worker = null;
    int attempts = 0;
    long elapsedMs = 0;
    List<String> trace = null;
    try (JsonParser p = FACTORY.createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("not a JSON object");
      }
      String name;
      while ((name = p.nextFieldName()) != null) {
        JsonToken t = p.nextToken();
        switch (name) {
          case "id" -> id = text(p, t, name);
          case "ok" -> ok = bool(p, t, name);
          case "value" -> value = raw(p, t, in);
          case "error" -> error = text(p, t, name);
          case "worker" -> worker = text(p, t, name);
          case "attempts" -> attempts = (int) integer(p, t, name, Integer.MIN_VALUE, Integer.MAX_VALUE);
          case "elapsedMs" -> elapsedMs = integer(p, t, name, Long.MIN_VALUE, Long.MAX_VALUE);
          case "trace" -> trace = lines(p, t, name);
          default -> p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("trailing data after the record");
      }
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return new TaskOutcome(id, ok, value, error, worker, attempts, elapsedMs, trace);
  }

  private static List<String> lines(JsonParser p, JsonToken t, String name) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.START_ARRAY) {
      throw new IllegalArgumentException("'" + name + "' must be an array of strings or null, not " + kind(t));
    }
    List<String> lines = new ArrayList<>();
    for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
      if (e != JsonToken.VALUE_STRING) {
        throw new IllegalArgumentException("'" + name + "' must be an array of strings: element " + lines.size() + " is "
            + (e == null ? "missing" : kind(e)));
      }
      lines.add(p.getText());
    }
    return lines;
  }

  private static Payload raw(JsonParser p, JsonToken t, byte[] in) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    int start = (int) p.currentTokenLocation().getByteOffset();
    p.skipChildren();
    // A string's or number's text is read lazily: finish it, so the location is past its end.
    p.finishToken();
    int end = (int) p.currentLocation().getByteOffset();
    byte[] bytes = Arrays.copyOfRange(in, start, end);
    for (byte b : bytes) {
      if (b == '\n' || b == '\r' || b == '\t') {
        // Only between tokens (inside a string they must be escaped): the value spans lines, so rewrite it compactly.
        return Payload.wrap(Json.mapper().writeValueAsBytes(Json.mapper().readTree(bytes)));
      }
    }
    return Payload.wrap(bytes);
  }

  private static String kind(JsonToken t) {
    return t.asString() != null ? t.asString() : t.name().toLowerCase(java.util.Locale.ROOT);
  }

  private static String text(JsonParser p, JsonToken t, String name) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_STRING) {
      throw new IllegalArgumentException("'" + name + "' must be a string or null, not " + t.asString());
    }
    return p.getText();
  }

  private static boolean bool(JsonParser p, JsonToken t, String name) {
    if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
      throw new IllegalArgumentException("'" + name + "' must be true or false");
    }
    return t == JsonToken.VALUE_TRUE;
  }

  private static long integer(JsonParser p, JsonToken t, String name, long min, long max) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
        || p.getLongValue() < min || p.getLongValue() > max) {
      throw new IllegalArgumentException("'" + name + "' must be an integer from " + min + " to " + max);
    }
    return p.getLongValue();
  }

  private static void string(ByteArrayOutputStream out, String s) {
    if (s == null) {
      out.writeBytes(NULL);
      return;
    }
    out.write('"');
    out.writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(s));
    out.write('"');
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
