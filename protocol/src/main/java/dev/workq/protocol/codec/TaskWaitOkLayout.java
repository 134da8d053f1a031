package dev.workq.protocol.codec;

import dev.workq.protocol.Message;
import dev.workq.protocol.TaskState;
import dev.workq.protocol.TaskWaitOk;
import io.netty.buffer.ByteBuf;

/**
 * TASK_WAIT_OK (31): {@code i64 corr | u8 state | u8 flags | str id | result payload}. Flags: bit 0
 * finished. It has a binary layout because it carries a payload (the result record), which a JSON
 * body could only hold re-encoded.
 */
final class TaskWaitOkLayout implements BodyLayout {

  static final int FINISHED = 1;

  @Override
  public int size(Message m) {
    TaskWaitOk w = (TaskWaitOk) m;
    return 8 + 1 + 1 + WireStrings.size("TASK_WAIT_OK id", w.id()) + w.result().length();
  }

  @Override
  public void write(Message m, ByteBuf out) {
    TaskWaitOk w = (TaskWaitOk) m;
    out.writeLong(w.corr());
    out.writeByte(w.state() == null ? 0 : w.state().code());
    out.writeByte(w.finished() ? FINISHED : 0);
    WireStrings.write(w.id(), out);
    out.writeBytes(w.result().bytes());
  }

  @Override
  public Message read(BodyReader body) {
    long corr = body.i64("corr");
    TaskState state = TaskState.ofCode(body.u8("state"));
    int flags = body.flags(FINISHED);
    String id = body.str("id");
    var result = body.rest();
    return body.build(() -> new TaskWaitOk(corr, id, state, (flags & FINISHED) != 0, result));
  }
}
