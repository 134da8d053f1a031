package dev.workq.protocol.codec;

import dev.workq.protocol.Complete;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Put;
import dev.workq.protocol.PutOk;
import dev.workq.protocol.codec.PlainJsonScanner.Kind;

/**
 * Reads an object's members into fields; {@code false} from a read method means "not the plain
 * shape". Fields absent from the JSON keep databind's defaults: 0, false, null.
 */
final class HotHeaderReader {

  private static final ItemKind[] KINDS = ItemKind.values();

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

  HotHeaderReader(PlainJsonScanner p) {
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

