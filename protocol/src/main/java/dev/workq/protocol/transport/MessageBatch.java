package dev.workq.protocol.transport;

import dev.workq.protocol.Message;
import java.util.List;

/**
 * Messages written to a channel in one go, in order: what {@link WriteQueue} found queued when it
 * drained. The encoder writes them as one or more frames of several messages each (protocol 2)
 * or as one frame each (protocol 1), into one buffer either way, so the batch leaves in one write.
 */
public record MessageBatch(List<Message> messages) {

  public MessageBatch {
    messages = List.copyOf(messages);
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("a batch holds at least one message");
    }
  }
}
