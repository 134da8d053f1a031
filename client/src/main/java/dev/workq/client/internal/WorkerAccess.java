package dev.workq.client.internal;

import dev.workq.client.ClientOptions;
import dev.workq.client.WorkqClient;

/**
 * The one door from {@code dev.workq.client.spi} to connecting with a worker's {@link Identity}:
 * {@link WorkqClient} registers its opener here when its class initializes, so the public client
 * API needs no method that takes an identity. The same pattern as the JDK's shared secrets.
 */
public final class WorkerAccess {

  /** Opens a client that owns its resources and says it is {@code identity}. */
  public interface Opener {
    WorkqClient open(ClientOptions options, Identity identity);
  }

  private static volatile Opener opener;

  private WorkerAccess() {}

  /** Called once, by {@link WorkqClient}'s static initializer. */
  public static void register(Opener o) {
    opener = o;
  }

  public static WorkqClient open(ClientOptions options, Identity identity) {
    if (opener == null) {
      try {
        Class.forName(WorkqClient.class.getName(), true, WorkqClient.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
    }
    return opener.open(options, identity);
  }
}
