package dev.workq.protocol.codec;

import dev.workq.protocol.Message;
import dev.workq.protocol.Put;
import io.netty.buffer.ByteBuf;

/**
 * PUT (4): {@code i64 corr | u8 kind | u8 flags | str queue | [str id] [str handler] [str replyTo]
 * [i32 maxAttempts] [i64 leaseMs] [u8 priority] [i64 delayMs] [str key] | payload}. Flags announce
 * the optional fields: bit 0 id, 1 handler, 2 replyTo, 3 maxAttempts, 4 leaseMs, 5 priority, 6
 * delayMs, 7 key.
 */
final class PutLayout implements BodyLayout {

  static final int ID = 1;
  static final int HANDLER = 1 << 1;
  static final int REPLY_TO = 1 << 2;
  static final int MAX_ATTEMPTS = 1 << 3;
  static final int LEASE_MS = 1 << 4;
  static final int PRIORITY = 1 << 5;
  static final int DELAY_MS = 1 << 6;
  static final int KEY = 1 << 7;
  static final int DEFINED = ID | HANDLER | REPLY_TO | MAX_ATTEMPTS | LEASE_MS | PRIORITY | DELAY_MS | KEY;

  @Override
  public int size(Message m) {
    Put p = (Put) m;
    int size = 8 + 1 + 1 + WireStrings.size("PUT queue", p.queue());
    size += p.id() == null ? 0 : WireStrings.size("PUT id", p.id());
    size += p.handler() == null ? 0 : WireStrings.size("PUT handler", p.handler());
    size += p.replyTo() == null ? 0 : WireStrings.size("PUT replyTo", p.replyTo());
    size += p.maxAttempts() == null ? 0 : 4;
    size += p.leaseMs() == null ? 0 : 8;
    size += p.priority() == null ? 0 : 1;
    size += p.delayMs() == null ? 0 : 8;
    size += p.key() == null ? 0 : WireStrings.size("PUT key", p.key());
    return size + p.payload().length();
  }

  @Override
  public void write(Message m, ByteBuf out) {
    Put p = (Put) m;
    int flags = (p.id() == null ? 0 : ID) | (p.handler() == null ? 0 : HANDLER) | (p.replyTo() == null ? 0 : REPLY_TO)
        | (p.maxAttempts() == null ? 0 : MAX_ATTEMPTS) | (p.leaseMs() == null ? 0 : LEASE_MS)
        | (p.priority() == null ? 0 : PRIORITY) | (p.delayMs() == null ? 0 : DELAY_MS) | (p.key() == null ? 0 : KEY);
    out.writeLong(p.corr());
    out.writeByte(WireKinds.code(p.kind()));
    out.writeByte(flags);
    WireStrings.write(p.queue(), out);
    if (p.id() != null) {
      WireStrings.write(p.id(), out);
    }
    if (p.handler() != null) {
      WireStrings.write(p.handler(), out);
    }
    if (p.replyTo() != null) {
      WireStrings.write(p.replyTo(), out);
    }
    if (p.maxAttempts() != null) {
      out.writeInt(p.maxAttempts());
    }
    if (p.leaseMs() != null) {
      out.writeLong(p.leaseMs());
    }
    if (p.priority() != null) {
      out.writeByte(p.priority());
    }
    if (p.delayMs() != null) {
      out.writeLong(p.delayMs());
    }
    if (p.key() != null) {
      WireStrings.write(p.key(), out);
    }
    out.writeBytes(p.payload().bytes());
  }

  @Override
  public Message read(BodyReader body) {
    long corr = body.i64("corr");
    var kind = body.kind();
    int flags = body.flags(DEFINED);
    String queue = body.str("queue");
    String id = body.str("id", (flags & ID) != 0);
    String handler = body.str("handler", (flags & HANDLER) != 0);
    String replyTo = body.str("replyTo", (flags & REPLY_TO) != 0);
    Integer maxAttempts = (flags & MAX_ATTEMPTS) != 0 ? body.i32("maxAttempts") : null;
    Long leaseMs = (flags & LEASE_MS) != 0 ? body.i64("leaseMs") : null;
    Integer priority = (flags & PRIORITY) != 0 ? body.u8("priority") : null;
    Long delayMs = (flags & DELAY_MS) != 0 ? body.i64("delayMs") : null;
    String key = body.str("key", (flags & KEY) != 0);
    var payload = body.rest();
    return body.build(() -> new Put(corr, queue, kind, id, handler, replyTo, maxAttempts, leaseMs, priority, delayMs, key,
        payload));
  }
}
