package dev.workq.protocol.codec;

import dev.workq.protocol.Message;
import dev.workq.protocol.PutOk;
import io.netty.buffer.ByteBuf;

/** PUT_OK (5): {@code i64 corr | str id}. The id is required: the broker always names the item. */
final class PutOkLayout implements BodyLayout {

  @Override
  public int size(Message m) {
    PutOk p = (PutOk) m;
    if (p.id() == null) {
      throw new IllegalArgumentException("PUT_OK needs an id in protocol 2");
    }
    return 8 + WireStrings.size("PUT_OK id", p.id());
  }

  @Override
  public void write(Message m, ByteBuf out) {
    PutOk p = (PutOk) m;
    out.writeLong(p.corr());
    WireStrings.write(p.id(), out);
  }

  @Override
  public Message read(BodyReader body) {
    long corr = body.i64("corr");
    String id = body.str("id");
    body.end();
    return new PutOk(corr, id);
  }
}
