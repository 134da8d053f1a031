package dev.workq.client;

import java.util.List;

/**
 * Some of a queue's dead letters, oldest first, with how many it holds in all.
 *
 * @param queue the queue
 * @param total dead letters the queue holds
 * @param items the ones listed, at most the limit asked for
 */
public record DeadLetterPage(String queue, long total, List<DeadLetter> items) {

  public DeadLetterPage {
    items = items == null ? List.of() : List.copyOf(items);
  }
}
