package dev.workq.protocol;

import java.util.List;

/**
 * A connected worker as listed in a {@link StatsReply}.
 *
 * @param handlers every handler the worker offers, in its HELLO or its consumers' CONSUMEs
 * @param session the broker's id for the worker's connection (the WELCOME's session)
 */
public record WorkerInfo(String name, String host, long pid, List<String> handlers, int inFlight, String session) {

  public WorkerInfo {
    handlers = handlers == null ? List.of() : List.copyOf(handlers);
  }
}
