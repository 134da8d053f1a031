package dev.workq.protocol;

import java.util.List;

/** A connected worker as listed in a {@link StatsReply}. */
public record WorkerInfo(String name, String host, long pid, List<String> handlers, int inFlight) {

  public WorkerInfo {
    handlers = handlers == null ? List.of() : List.copyOf(handlers);
  }
}
