package dev.workq.protocol.codec;

import dev.workq.protocol.Deliver;
import dev.workq.protocol.Message;
import io.netty.buffer.ByteBuf;

/**
 * DELIVER (10): {@code i64 corr | i64 consumer | i64 tag | u8 kind | u8 flags | i32 attempts |
 * i64 leaseMs | str queue | [str id] [str handler] [str replyTo] | payload}; the fixed fields
 * first, so a reader finds them at fixed offsets. Flags: bit 0 id, 1 handler, 2 replyTo.
 */
final class DeliverLayout implements BodyLayout {

  static final int ID = 1;
  static final int HANDLER = 1 << 1;
  static final int REPLY_TO = 1 << 2;
  static final int DEFINED = ID | HANDLER | REPLY_TO;

  @Override
  public int size(Message m) {
    Deliver d = (Deliver) m;
    if (d.queue() == null) {
      throw new IllegalArgumentException("DELIVER needs a queue in protocol 2");
    }
    int size = 8 + 8 + 8 + 1 + 1 + 4 + 8 + WireStrings.size("DELIVER queue", d.queue());
    size += d.id() == null ? 0 : WireStrings.size("DELIVER id", d.id());
    size += d.handler() == null ? 0 : WireStrings.size("DELIVER handler", d.handler());
    size += d.replyTo() == null ? 0 : WireStrings.size("DELIVER replyTo", d.replyTo());
    return size + d.payload().length();
  }

  @Override
  public void write(Message m, ByteBuf out) {
    Deliver d = (Deliver) m;
    out.writeLong(d.corr());
    out.writeLong(d.consumer());
    out.writeLong(d.tag());
    out.writeByte(WireKinds.code(d.kind()));
    out.writeByte((d.id() == null ? 0 : ID) | (d.handler() == null ? 0 : HANDLER) | (d.replyTo() == null ? 0 : REPLY_TO));
    out.writeInt(d.attempts());
    out.writeLong(d.leaseMs());
    WireStrings.write(d.queue(), out);
    if (d.id() != null) {
      WireStrings.write(d.id(), out);
    }
    if (d.handler() != null) {
      WireStrings.write(d.handler(), out);
    }
    if (d.replyTo() != null) {
      WireStrings.write(d.replyTo(), out);
    }
    out.writeBytes(d.payload().bytes());
  }

  @Override
  public Message read(BodyReader body) {
    long corr = body.i64("corr");
    long consumer = body.i64("consumer");
    long tag = body.i64("tag");
    var kind = body.kind();
    int flags = body.flags(DEFINED);
    int attempts = body.i32("attempts");
    long leaseMs = body.i64("leaseMs");
    String queue = body.str("queue");
    String id = body.str("id", (flags & ID) != 0);
    String handler = body.str("handler", (flags & HANDLER) != 0);
    String replyTo = body.str("replyTo", (flags & REPLY_TO) != 0);
    var payload = body.rest();
    return body.build(() -> new Deliver(corr, consumer, tag, queue, kind, id, handler, replyTo, attempts, leaseMs, payload));
  }
}
