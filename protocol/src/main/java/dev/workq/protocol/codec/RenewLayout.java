package dev.workq.protocol.codec;

import dev.workq.protocol.Message;
import dev.workq.protocol.Renew;
import io.netty.buffer.ByteBuf;

/** RENEW (20): {@code u32 count | i64 tag × count}, count at most {@link Renew#MAX_TAGS}, filling the body exactly. */
final class RenewLayout implements BodyLayout {

  @Override
  public int size(Message m) {
    return 4 + 8 * ((Renew) m).tags().length;
  }

  @Override
  public void write(Message m, ByteBuf out) {
    long[] tags = ((Renew) m).tags();
    out.writeInt(tags.length);
    for (long tag : tags) {
      out.writeLong(tag);
    }
  }

  @Override
  public Message read(BodyReader body) {
    long count = body.u32("count");
    // Checked before anything is allocated: the count is the peer's word, the body's size is not.
    if (count > Renew.MAX_TAGS) {
      throw body.error("count " + count + " is over the " + Renew.MAX_TAGS + " tags a RENEW may hold");
    }
    if (body.remaining() != 8 * count) {
      throw body.error("count " + count + " needs " + 8 * count + " bytes of tags, but " + body.remaining() + " follow it");
    }
    long[] tags = new long[(int) count];
    for (int i = 0; i < tags.length; i++) {
      tags[i] = body.i64("tag " + i);
    }
    body.end();
    return new Renew(tags);
  }
}
