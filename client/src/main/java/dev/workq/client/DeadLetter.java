package dev.workq.client;

import java.util.List;

/**
 * A task in a queue's dead letters.
 *
 * @param id the task's id
 * @param handler the handler it was for
 * @param attempts deliveries the task got
 * @param crashes of those, how many ended with the worker lost (crash, disconnect, lease expiry)
 * @param errors the error of each failed attempt, oldest first (at most the newest 20)
 * @param payload the task's payload as text (JSON by convention)
 */
public record DeadLetter(String id, String handler, int attempts, int crashes, List<String> errors, String payload) {

  public DeadLetter {
    errors = errors == null ? List.of() : List.copyOf(errors);
  }
}
