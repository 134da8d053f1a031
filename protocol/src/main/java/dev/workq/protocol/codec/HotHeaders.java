package dev.workq.protocol.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.workq.protocol.Ack;
import dev.workq.protocol.Complete;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Json;
import dev.workq.protocol.Message;
import dev.workq.protocol.MessageType;
import dev.workq.protocol.Put;
import dev.workq.protocol.PutOk;
import dev.workq.protocol.Release;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The JSON headers of the messages every task passes through (PUT, PUT_OK, DELIVER, COMPLETE,
 * ACK, RELEASE), written and read without Jackson databind. Databind's reflective record mapping
 * was the largest cost of a frame in the profile; these are the same bytes, produced directly.
 *
 * <p>The reader is a fast path, not a second parser with its own rules: it accepts only the plain
 * shape the encoder writes (known fields, values of the declared JSON type, null where databind
 * gives null, unknown fields skipped) and answers {@code null} for anything else: a number given
 * as a string, an enum given as a number, trailing tokens, a value the record's constructor
 * rejects. The caller then parses with databind, so the accepted language and every error message
 * stay exactly databind's. {@code CodecFuzzTest} checks that both agree on every input it has.
 */
final class HotHeaders {

  private static final JsonFactory FACTORY = Json.mapper().getFactory();
  private static final ItemKind[] KINDS = ItemKind.values();

  private HotHeaders() {}

  /** Whether {@link #write} handles {@code m}'s type. */
  static boolean handles(Message m) {
    return m instanceof Deliver || m instanceof Put || m instanceof PutOk || m instanceof Complete
        || m instanceof Ack || m instanceof Release;
  }

  /** Writes {@code m}'s header as databind would (fields in record order, nulls left out). */
  static void write(Message m, ByteBuf out) {
    Fields f = new Fields(out);
    if (m instanceof Deliver d) {
      f.num("corr", d.corr()).num("consumer", d.consumer()).num("tag", d.tag()).str("queue", d.queue())
          .kind(d.kind()).str("id", d.id()).str("handler", d.handler()).str("replyTo", d.replyTo())
          .num("attempts", d.attempts()).num("leaseMs", d.leaseMs());
    } else if (m instanceof Put p) {
      f.num("corr", p.corr()).str("queue", p.queue()).kind(p.kind()).str("id", p.id()).str("handler", p.handler())
          .str("replyTo", p.replyTo());
      if (p.maxAttempts() != null) {
        f.num("maxAttempts", p.maxAttempts());
      }
      if (p.leaseMs() != null) {
        f.num("leaseMs", p.leaseMs());
      }
    } else if (m instanceof PutOk p) {
      f.num("corr", p.corr()).str("id", p.id());
    } else if (m instanceof Complete c) {
      f.num("tag", c.tag()).bool("ok", c.ok()).str("error", c.error()).bool("permanent", c.permanent());
    } else if (m instanceof Ack a) {
      f.num("tag", a.tag());
    } else if (m instanceof Release r) {
      f.num("tag", r.tag());
    } else {
      throw new IllegalArgumentException("not a hot message: " + m.type());
    }
    f.end();
  }

  /** Appends JSON object members to a buffer; the first call opens the object. */
  private static final class Fields {
    private final ByteBuf out;
    private boolean first = true;

    Fields(ByteBuf out) {
      this.out = out;
    }

    private void name(String name) {
      out.writeByte(first ? '{' : ',');
      first = false;
      out.writeByte('"');
      out.writeCharSequence(name, StandardCharsets.US_ASCII);
      out.writeByte('"');
      out.writeByte(':');
    }

    Fields num(String name, long value) {
      name(name);
      out.writeCharSequence(Long.toString(value), StandardCharsets.US_ASCII);
      return this;
    }

    Fields bool(String name, boolean value) {
      name(name);
      out.writeCharSequence(value ? "true" : "false", StandardCharsets.US_ASCII);
      return this;
    }

    Fields kind(ItemKind kind) {
      return kind == null ? this : str("kind", kind.name());
    }

    Fields str(String name, String value) {
      if (value == null) {
        return this;
      }
      name(name);
      if (plain(value)) {
        out.writeByte('"');
        out.writeCharSequence(value, StandardCharsets.US_ASCII);
        out.writeByte('"');
      } else {
        // Rare (escapes, non-ASCII): Jackson's own generator, for its exact escaping.
        try {
          out.writeBytes(Json.mapper().writeValueAsBytes(value));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new IllegalArgumentException("cannot write " + name + " as JSON: " + e.getOriginalMessage(), e);
        }
      }
      return this;
    }

    void end() {
      if (first) {
        out.writeByte('{');
      }
      out.writeByte('}');
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

  /**
   * Reads a header of a hot type in its plain shape, or returns null: not a hot type, or
   * anything the fast path leaves to databind.
   */
  static Message read(MessageType type, ByteBuf header) {
    if (!isHot(type)) {
      return null;
    }
    byte[] bytes;
    int offset;
    int length = header.readableBytes();
    if (header.hasArray()) {
      bytes = header.array();
      offset = header.arrayOffset() + header.readerIndex();
    } else {
      bytes = new byte[length];
      header.getBytes(header.readerIndex(), bytes);
      offset = 0;
    }
    try (JsonParser p = FACTORY.createParser(bytes, offset, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      Reader r = new Reader(p);
      Message m = switch (type) {
        case DELIVER -> r.deliver();
        case PUT -> r.put();
        case PUT_OK -> r.putOk();
        case COMPLETE -> r.complete();
        case ACK -> r.tagOnly() ? new Ack(r.tag) : null;
        case RELEASE -> r.tagOnly() ? new Release(r.tag) : null;
        default -> null;
      };
      if (m == null || p.nextToken() != null) {
        return null;
      }
      return m;
    } catch (IOException | RuntimeException e) {
      // Malformed or rejected by a constructor: databind says what is wrong, in its own words.
      return null;
    }
  }

  private static boolean isHot(MessageType type) {
    return switch (type) {
      case DELIVER, PUT, PUT_OK, COMPLETE, ACK, RELEASE -> true;
      default -> false;
    };
  }

  /**
   * Reads an object's members into fields; {@code false} from a read method means "not the plain
   * shape". Fields absent from the JSON keep databind's defaults: 0, false, null.
   */
  private static final class Reader {
    private final JsonParser p;
    long corr;
    long consumer;
    long tag;
    String queue;
    ItemKind kind;
    String id;
    String handler;
    String replyTo;
    long attempts;
    long leaseMs;
    Long leaseMsBoxed;
    Integer maxAttempts;
    boolean ok;
    String error;
    boolean permanent;

    Reader(JsonParser p) {
      this.p = p;
    }

    /**
     * Reads every member; false if one is not of the plain shape, or a name comes twice (what
     * databind makes of a repeated creator property is its business).
     */
    private boolean members(Member member) throws IOException {
      JsonToken t;
      String[] seen = new String[12];
      int count = 0;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        for (int i = 0; i < count; i++) {
          if (seen[i].equals(name)) {
            return false;
          }
        }
        if (count == seen.length) {
          return false;
        }
        seen[count++] = name;
        JsonToken value = p.nextToken();
        if (!member.read(name, value)) {
          return false;
        }
      }
      return t == JsonToken.END_OBJECT;
    }

    private interface Member {
      boolean read(String name, JsonToken value) throws IOException;
    }

    /** Members nobody reads are skipped, as databind does (FAIL_ON_UNKNOWN_PROPERTIES off). */
    private boolean unknown(JsonToken value) throws IOException {
      p.skipChildren();
      return value != null;
    }

    private Long num(JsonToken value) throws IOException {
      if (value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
        return p.getLongValue();
      }
      return null;
    }

    private boolean isNull(JsonToken value) {
      return value == JsonToken.VALUE_NULL;
    }

    /** A primitive long: a plain integer, or null for 0. */
    private boolean primitive(JsonToken value, java.util.function.LongConsumer set) throws IOException {
      if (isNull(value)) {
        set.accept(0);
        return true;
      }
      Long v = num(value);
      if (v == null) {
        return false;
      }
      set.accept(v);
      return true;
    }

    private boolean string(JsonToken value, java.util.function.Consumer<String> set) throws IOException {
      if (isNull(value)) {
        set.accept(null);
        return true;
      }
      if (value != JsonToken.VALUE_STRING) {
        return false;
      }
      set.accept(p.getText());
      return true;
    }

    private boolean kind(JsonToken value) throws IOException {
      if (isNull(value)) {
        kind = null;
        return true;
      }
      if (value != JsonToken.VALUE_STRING) {
        return false;
      }
      String s = p.getText();
      for (ItemKind k : KINDS) {
        if (k.name().equals(s)) {
          kind = k;
          return true;
        }
      }
      return false;
    }

    private boolean bool(JsonToken value, java.util.function.Consumer<Boolean> set) {
      if (value == JsonToken.VALUE_TRUE || value == JsonToken.VALUE_FALSE || isNull(value)) {
        set.accept(value == JsonToken.VALUE_TRUE);
        return true;
      }
      return false;
    }

    Deliver deliver() throws IOException {
      boolean plain = members((name, v) -> switch (name) {
        case "corr" -> primitive(v, x -> corr = x);
        case "consumer" -> primitive(v, x -> consumer = x);
        case "tag" -> primitive(v, x -> tag = x);
        case "queue" -> string(v, x -> queue = x);
        case "kind" -> kind(v);
        case "id" -> string(v, x -> id = x);
        case "handler" -> string(v, x -> handler = x);
        case "replyTo" -> string(v, x -> replyTo = x);
        case "attempts" -> primitive(v, x -> attempts = x) && attempts == (int) attempts;
        case "leaseMs" -> primitive(v, x -> leaseMs = x);
        case "payload" -> false;
        default -> unknown(v);
      });
      return plain ? new Deliver(corr, consumer, tag, queue, kind, id, handler, replyTo, (int) attempts, leaseMs, null) : null;
    }

    Put put() throws IOException {
      boolean plain = members((name, v) -> switch (name) {
        case "corr" -> primitive(v, x -> corr = x);
        case "queue" -> string(v, x -> queue = x);
        case "kind" -> kind(v);
        case "id" -> string(v, x -> id = x);
        case "handler" -> string(v, x -> handler = x);
        case "replyTo" -> string(v, x -> replyTo = x);
        case "maxAttempts" -> boxedInt(v);
        case "leaseMs" -> boxedLong(v);
        case "payload" -> false;
        default -> unknown(v);
      });
      return plain ? new Put(corr, queue, kind, id, handler, replyTo, maxAttempts, leaseMsBoxed, null) : null;
    }

    private boolean boxedInt(JsonToken v) throws IOException {
      if (isNull(v)) {
        maxAttempts = null;
        return true;
      }
      Long x = num(v);
      if (x == null || x != x.intValue()) {
        return false;
      }
      maxAttempts = x.intValue();
      return true;
    }

    private boolean boxedLong(JsonToken v) throws IOException {
      if (isNull(v)) {
        leaseMsBoxed = null;
        return true;
      }
      leaseMsBoxed = num(v);
      return leaseMsBoxed != null;
    }

    PutOk putOk() throws IOException {
      boolean plain = members((name, v) -> switch (name) {
        case "corr" -> primitive(v, x -> corr = x);
        case "id" -> string(v, x -> id = x);
        default -> unknown(v);
      });
      return plain ? new PutOk(corr, id) : null;
    }

    Complete complete() throws IOException {
      boolean plain = members((name, v) -> switch (name) {
        case "tag" -> primitive(v, x -> tag = x);
        case "ok" -> bool(v, x -> ok = x);
        case "error" -> string(v, x -> error = x);
        case "permanent" -> bool(v, x -> permanent = x);
        case "result", "payload" -> false;
        default -> unknown(v);
      });
      return plain ? new Complete(tag, ok, error, permanent, null) : null;
    }

    boolean tagOnly() throws IOException {
      return members((name, v) -> switch (name) {
        case "tag" -> primitive(v, x -> tag = x);
        default -> unknown(v);
      });
    }
  }
}
