package dev.workq.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A worker finished task delivery {@code tag}: the broker removes the task and, in one step, puts
 * {@code result} (the result record, JSON) on the task's reply queue.
 *
 * @param ok whether the handler succeeded; the broker reads this instead of parsing the result
 */
@JsonIgnoreProperties({"result"})
public record Complete(long tag, boolean ok, Payload result) implements Message, PayloadMessage {

  public Complete {
    result = result == null ? Payload.EMPTY : result;
  }

  @Override
  public Payload payload() {
    return result;
  }

  @Override
  public Complete withPayload(Payload payload) {
    return new Complete(tag, ok, payload);
  }
}
