package dev.workq.server.internal.core;

import dev.workq.protocol.Message;
import java.util.ArrayList;
import java.util.List;

/** A {@link Connection} that records what the core sends it; its "I/O thread" is the caller. */
final class TestConnection implements Connection {

  final List<Message> sent = new ArrayList<>();
  boolean closing;
  boolean autoRead = true;

  @Override
  public void send(Message message) {
    sent.add(message);
  }

  @Override
  public void closeAfterSent() {
    closing = true;
  }

  @Override
  public void execute(Runnable task) {
    task.run();
  }

  @Override
  public void setAutoRead(boolean autoRead) {
    this.autoRead = autoRead;
  }

  /** The messages of {@code type} sent so far, taken out of the record. */
  <T extends Message> List<T> take(Class<T> type) {
    List<T> found = new ArrayList<>();
    sent.removeIf(m -> {
      if (type.isInstance(m)) {
        found.add(type.cast(m));
        return true;
      }
      return false;
    });
    return found;
  }
}
