package dev.workq.protocol.codec;

import dev.workq.protocol.Ack;
import dev.workq.protocol.Message;
import dev.workq.protocol.Release;
import io.netty.buffer.ByteBuf;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;

/** ACK (11) and RELEASE (13): {@code i64 tag}, nothing else. */
final class TagLayout implements BodyLayout {

  static final TagLayout ACK = new TagLayout(Ack::new, m -> ((Ack) m).tag());
  static final TagLayout RELEASE = new TagLayout(Release::new, m -> ((Release) m).tag());

  private final LongFunction<Message> constructor;
  private final ToLongFunction<Message> tag;

  private TagLayout(LongFunction<Message> constructor, ToLongFunction<Message> tag) {
    this.constructor = constructor;
    this.tag = tag;
  }

  @Override
  public int size(Message m) {
    return 8;
  }

  @Override
  public void write(Message m, ByteBuf out) {
    out.writeLong(tag.applyAsLong(m));
  }

  @Override
  public Message read(BodyReader body) {
    long t = body.i64("tag");
    body.end();
    return constructor.apply(t);
  }
}
