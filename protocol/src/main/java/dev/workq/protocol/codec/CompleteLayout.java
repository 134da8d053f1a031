package dev.workq.protocol.codec;

import dev.workq.protocol.Complete;
import dev.workq.protocol.Message;
import io.netty.buffer.ByteBuf;

/**
 * COMPLETE (12): {@code i64 tag | u8 flags | [str error] [i64 retryMs] | result payload}. Flags:
 * bit 0 ok, 1 permanent, 2 error present, 3 retryMs present; the two booleans ride in the flags
 * byte.
 */
final class CompleteLayout implements BodyLayout {

  static final int OK = 1;
  static final int PERMANENT = 1 << 1;
  static final int ERROR = 1 << 2;
  static final int RETRY_MS = 1 << 3;
  static final int DEFINED = OK | PERMANENT | ERROR | RETRY_MS;

  @Override
  public int size(Message m) {
    Complete c = (Complete) m;
    return 8 + 1 + (c.error() == null ? 0 : WireStrings.size("COMPLETE error", c.error())) + (c.retryMs() == null ? 0 : 8)
        + c.result().length();
  }

  @Override
  public void write(Message m, ByteBuf out) {
    Complete c = (Complete) m;
    out.writeLong(c.tag());
    out.writeByte((c.ok() ? OK : 0) | (c.permanent() ? PERMANENT : 0) | (c.error() == null ? 0 : ERROR)
        | (c.retryMs() == null ? 0 : RETRY_MS));
    if (c.error() != null) {
      WireStrings.write(c.error(), out);
    }
    if (c.retryMs() != null) {
      out.writeLong(c.retryMs());
    }
    out.writeBytes(c.result().bytes());
  }

  @Override
  public Message read(BodyReader body) {
    long tag = body.i64("tag");
    int flags = body.flags(DEFINED);
    String error = body.str("error", (flags & ERROR) != 0);
    Long retryMs = (flags & RETRY_MS) != 0 ? body.i64("retryMs") : null;
    var result = body.rest();
    return body.build(() -> new Complete(tag, (flags & OK) != 0, error, (flags & PERMANENT) != 0, retryMs, result));
  }
}
