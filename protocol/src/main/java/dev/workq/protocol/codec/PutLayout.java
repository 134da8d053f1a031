package dev.workq.protocol.codec;

import dev.workq.protocol.Message;
import dev.workq.protocol.Put;
import io.netty.buffer.ByteBuf;

/**
 * PUT (4): {@code i64 corr | u8 kind | u8 flags | str queue | [str id] [str handler] [str replyTo]
 * [i32 maxAttempts] [i64 leaseMs] | payload}. Flags announce the optional fields: bit 0 id, 1
 * handler, 2 replyTo, 3 maxAttempts, 4 leaseMs.
 */
final class PutLayout implements BodyLayout {

  static final int ID = 1;
  static final int HANDLER = 1 << 1;
  static final int REPLY_TO = 1 << 2;
  static final int MAX_ATTEMPTS = 1 << 3;
  static final int LEASE_MS = 1 << 4;
  static final int DEFINED = ID | HANDLER | REPLY_TO | MAX_ATTEMPTS | LEASE_MS;

  @Override
  public int size(Message m) {
    Put p = (Put) m;
    int size = 8 + 1 + 1 + WireStrings.size("PUT queue", p.queue());
    size += p.id() == null ? 0 : WireStrings.size("PUT id", p.id());
    size += p.handler() == null ? 0 : WireStrings.size("PUT handler", p.handler());
    size += p.replyTo() == null ? 0 : WireStrings.size("PUT replyTo", p.replyTo());
    size += p.maxAttempts() == null ? 0 : 4;
    size += p.leaseMs() == null ? 0 : 8;
    return size + p.payload().length();
  }

  @Override
  public void write(Message m, ByteBuf out) {
    Put p = (Put) m;
    int flags = (p.id() == null ? 0 : ID) | (p.handler() == null ? 0 : HANDLER) | (p.replyTo() == null ? 0 : REPLY_TO)
        | (p.maxAttempts() == null ? 0 : MAX_ATTEMPTS) | (p.leaseMs() == null ? 0 : LEASE_MS);
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
    var payload = body.rest();
    return body.build(() -> new Put(corr, queue, kind, id, handler, replyTo, maxAttempts, leaseMs, payload));
  }
}
