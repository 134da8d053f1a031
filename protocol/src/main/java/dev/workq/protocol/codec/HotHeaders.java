package dev.workq.protocol.codec;

import dev.workq.protocol.Ack;
import dev.workq.protocol.Complete;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.Message;
import dev.workq.protocol.MessageType;
import dev.workq.protocol.Put;
import dev.workq.protocol.PutOk;
import dev.workq.protocol.Release;
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
    HeaderFields f = new HeaderFields(out);
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
      HotHeaderReader r = new HotHeaderReader(scanner);
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
}
