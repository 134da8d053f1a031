package dev.workq.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The answer to {@link TaskWait}.
 *
 * @param state the task's state when the answer was made
 * @param finished whether it has finished (DONE, DEAD or CANCELLED); false when the wait timed out
 * @param result when finished, the task's result record (the same bytes its done queue got);
 *     empty otherwise
 */
@JsonIgnoreProperties({"result", "payload"})
public record TaskWaitOk(long corr, String id, TaskState state, boolean finished, Payload result)
    implements Message, Reply, PayloadMessage {

  public TaskWaitOk {
    result = result == null ? Payload.EMPTY : result;
  }

  @Override
  public Payload payload() {
    return result;
  }

  @Override
  public TaskWaitOk withPayload(Payload payload) {
    return new TaskWaitOk(corr, id, state, finished, payload);
  }
}
