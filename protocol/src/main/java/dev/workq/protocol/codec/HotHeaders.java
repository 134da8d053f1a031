package dev.workq.protocol.codec;

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
import dev.workq.protocol.codec.PlainJsonScanner.Kind;
import io.netty.buffer.ByteBuf;

/**
 * The JSON headers of the messages every task passes through (PUT, PUT_OK, DELIVER, COMPLETE,
 * ACK, RELEASE), written and read without Jackson databind. Databind's reflective record mapping
 * was the largest cost of a frame in the profile, and Jackson's general streaming parser the
 * largest after that; these are the same bytes, produced and read directly.
 *
 * <p>The reader is a fast path, not a second parser with its own rules: {@link PlainJsonScanner}
 * accepts only the plain shape the encoder writes (a flat object; integers, ASCII strings without
 * escapes, booleans and null; scalar unknown members skipped) and this class maps it to the
 * record with databind's defaults for absent members. Anything else answers {@code null}: a
 * number given as a string, an enum given as a number, a repeated member, a nested value, a
 * value the record's constructor rejects. The caller then parses with databind, so the accepted
 * language and every error message stay exactly databind's. {@code CodecFuzzTest} checks that
 * both agree on every input it has.
 */
final class HotHeaders {

  private static final ItemKind[] KINDS = ItemKind.values();

  private HotHeaders() {}

  /** Whether the fast path writes and reads headers of this type; the rest go through databind. */
  static boolean handles(MessageType type) {
    return switch (type) {
      case DELIVER, PUT, PUT_OK, COMPLETE, ACK, RELEASE -> true;
      default -> false;
    };
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

  /**
   * Builds a header's JSON in a small array, then copies it into the frame in one write: a
   * direct buffer's per-byte writes were most of the encoder's time in the profile.
   */
  private static final class Fields {
    private final ByteBuf out;
    private byte[] b = new byte[192];
    private int n;

    Fields(ByteBuf out) {
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

    Fields num(String name, long value) {
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

    Fields bool(String name, boolean value) {
      name(name);
      ascii(value ? "true" : "false");
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

  /**
   * Reads a header of a hot type in its plain shape, or returns null: not a hot type, or
   * anything the fast path leaves to databind.
   */
  static Message read(MessageType type, ByteBuf header) {
    if (!handles(type)) {
      return null;
    }
    try {
      PlainJsonScanner scanner = new PlainJsonScanner(header);
      scanner.begin();
      Reader r = new Reader(scanner);
      return switch (type) {
        case DELIVER -> r.deliver();
        case PUT -> r.put();
        case PUT_OK -> r.putOk();
        case COMPLETE -> r.complete();
        case ACK -> r.tagOnly() ? new Ack(r.tag) : null;
        case RELEASE -> r.tagOnly() ? new Release(r.tag) : null;
        default -> null;
      };
    } catch (RuntimeException e) {
      // Not the plain shape, or rejected by a constructor: databind says what is wrong, in its own words.
      return null;
    }
  }

  /**
   * Reads an object's members into fields; {@code false} from a read method means "not the plain
   * shape". Fields absent from the JSON keep databind's defaults: 0, false, null.
   */
  private static final class Reader {
    private final PlainJsonScanner p;
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

    Reader(PlainJsonScanner p) {
      this.p = p;
    }

    /**
     * Reads every member; false if one is not of the plain shape, or a name comes twice (what
     * databind makes of a repeated creator property is its business).
     */
    private boolean members(Member member) {
      String[] seen = new String[12];
      int count = 0;
      String name;
      while ((name = p.nextName()) != null) {
        for (int i = 0; i < count; i++) {
          if (seen[i].equals(name)) {
            return false;
          }
        }
        if (count == seen.length) {
          return false;
        }
        seen[count++] = name;
        if (!member.read(name, p.value())) {
          return false;
        }
      }
      return true;
    }

    private interface Member {
      boolean read(String name, Kind value);
    }

    /**
     * Members nobody reads are skipped, as databind does (FAIL_ON_UNKNOWN_PROPERTIES off); the
     * scanner has read the (scalar) value already.
     */
    private boolean unknown(Kind value) {
      return true;
    }

    private Long num(Kind value) {
      return value == Kind.INT ? p.number() : null;
    }

    private boolean isNull(Kind value) {
      return value == Kind.NULL;
    }

    /** A primitive long: a plain integer, or null for 0. */
    private boolean primitive(Kind value, java.util.function.LongConsumer set) {
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

    private boolean string(Kind value, java.util.function.Consumer<String> set) {
      if (isNull(value)) {
        set.accept(null);
        return true;
      }
      if (value != Kind.STRING) {
        return false;
      }
      set.accept(p.text());
      return true;
    }

    private boolean kind(Kind value) {
      if (isNull(value)) {
        kind = null;
        return true;
      }
      if (value != Kind.STRING) {
        return false;
      }
      String s = p.text();
      for (ItemKind k : KINDS) {
        if (k.name().equals(s)) {
          kind = k;
          return true;
        }
      }
      return false;
    }

    private boolean bool(Kind value, java.util.function.Consumer<Boolean> set) {
      if (value == Kind.TRUE || value == Kind.FALSE || isNull(value)) {
        set.accept(value == Kind.TRUE);
        return true;
      }
      return false;
    }

    Deliver deliver() {
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

    Put put() {
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

    private boolean boxedInt(Kind v) {
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

    private boolean boxedLong(Kind v) {
      if (isNull(v)) {
        leaseMsBoxed = null;
        return true;
      }
      leaseMsBoxed = num(v);
      return leaseMsBoxed != null;
    }

    PutOk putOk() {
      boolean plain = members((name, v) -> switch (name) {
        case "corr" -> primitive(v, x -> corr = x);
        case "id" -> string(v, x -> id = x);
        default -> unknown(v);
      });
      return plain ? new PutOk(corr, id) : null;
    }

    Complete complete() {
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

    boolean tagOnly() {
      return members((name, v) -> switch (name) {
        case "tag" -> primitive(v, x -> tag = x);
        default -> unknown(v);
      });
    }
  }
}
