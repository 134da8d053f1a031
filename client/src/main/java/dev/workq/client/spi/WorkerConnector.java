package dev.workq.client.spi;

import dev.workq.client.ClientOptions;
import dev.workq.client.WorkqClient;
import dev.workq.client.internal.Connection;
import dev.workq.client.internal.Identity;
import dev.workq.client.internal.WorkerAccess;
import java.util.List;

/**
 * Connects as a worker: the HELLO says WORKER and every CONSUME offers the worker's handlers, so
 * the broker routes only tasks it can run to it and lists it among the workers.
 *
 * <p><b>For the workq worker runtime ({@code dev.workq.worker}) only.</b> This package is the
 * interface the client shares with it, kept out of {@link ClientOptions} so that programs which
 * submit tasks see no worker settings; it may change in any release.
 */
public final class WorkerConnector {

  private WorkerConnector() {}

  /**
   * Connects as the worker {@code options.name()} offering {@code handlers}; otherwise as
   * {@link WorkqClient#connect(ClientOptions)}, with resources of its own.
   */
  public static WorkqClient connect(ClientOptions options, List<String> handlers) {
    return WorkerAccess.open(options, Identity.worker(options.name(), handlers));
  }

  /** This machine's host name, as the HELLO and a worker's results name it. */
  public static String localHost() {
    return Connection.localHost();
  }
}
