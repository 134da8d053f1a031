package dev.workq.protocol.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.Json;
import dev.workq.protocol.Message;
import dev.workq.protocol.MessageType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;

/**
 * The JSON form of messages: protocol 1's headers, and protocol 2's bodies of the messages that
 * have no binary layout. Owns the one reader and writer per message type, so both versions read
 * JSON by the same rules, with databind alone.
 *
 * <p>The readers refuse a repeated key and read an enum value this build does not know as its
 * {@code UNKNOWN} constant. Both are set here, not on {@link Json#mapper()}: that mapper also
 * reads user payloads and results, whose rules are the application's.
 */
final class JsonHeaders {

  private static final ObjectReader[] READERS = new ObjectReader[256];
  private static final ObjectWriter[] WRITERS = new ObjectWriter[256];

  static {
    for (MessageType t : MessageType.values()) {
      READERS[t.code()] = Json.mapper().readerFor(t.messageClass())
          // One key, one value: a header that says "kind" twice means two things, and a reader
          // that kept either would disagree with some other peer's JSON parser.
          .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          // A newer peer's kind or error code reads as UNKNOWN instead of failing the frame.
          .with(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
          // Enum values are their names: "kind":0 is not TASK (databind would take it as an index).
          .with(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
      WRITERS[t.code()] = Json.mapper().writerFor(t.messageClass());
    }
  }

  private JsonHeaders() {}

  /**
   * Reads {@code json} (all its readable bytes, without moving its reader index) as a {@code type}
   * message. {@code what} names the part in error messages: "header" (protocol 1) or "body"
   * (protocol 2).
   */
  static Message read(MessageType type, ByteBuf json, String what) {
    Message message;
    try (ByteBufInputStream in = new ByteBufInputStream(json.duplicate())) {
      message = READERS[type.code()].readValue((java.io.InputStream) in);
    } catch (JsonProcessingException e) {
      throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "malformed " + type + " " + what + ": " + rootMessage(e), e);
    } catch (IOException e) {
      throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "unreadable " + type + " " + what + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "invalid " + type + " " + what + ": " + e.getMessage(), e);
    }
    if (message == null) {
      throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, type + " " + what + " is null");
    }
    return message;
  }

  /** Appends {@code message}'s JSON (fields in record order, nulls left out, no payload) to {@code out}. */
  static void write(Message message, ByteBuf out) throws IOException {
    try (ByteBufOutputStream stream = new ByteBufOutputStream(out)) {
      WRITERS[message.type().code()].writeValue((java.io.OutputStream) stream, message);
    }
  }

  /** {@code message}'s JSON as bytes, for a writer that must know the length before it writes. */
  static byte[] bytes(Message message) throws IOException {
    return WRITERS[message.type().code()].writeValueAsBytes(message);
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
