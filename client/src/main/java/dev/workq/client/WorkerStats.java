package dev.workq.client;

import java.util.List;

/**
 * A connected worker, as {@link WorkqClient#stats()} lists it.
 *
 * @param name the name the worker gave the broker
 * @param host the worker's host
 * @param pid the worker's process id
 * @param handlers every handler the worker offers
 * @param inFlight tasks the worker holds, running or waiting
 * @param session the broker's id for the worker's connection
 */
public record WorkerStats(String name, String host, long pid, List<String> handlers, int inFlight, String session) {

  public WorkerStats {
    handlers = handlers == null ? List.of() : List.copyOf(handlers);
  }
}
