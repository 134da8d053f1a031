package dev.workq.protocol;

import java.util.List;

/**
 * The answer to {@link DeadLetters}: for LIST the items (up to the limit) and the total; for
 * REQUEUE and PURGE the number of items acted on in {@code count}.
 */
public record DeadLettersReply(long corr, String queue, long total, int count, List<DeadLetter> items) implements Message, Reply {

  public DeadLettersReply {
    items = items == null ? List.of() : List.copyOf(items);
  }
}
