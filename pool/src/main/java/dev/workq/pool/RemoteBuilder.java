package dev.workq.pool;

import dev.workq.client.ClientOptions;
import dev.workq.client.WorkqClient;
import dev.workq.pool.internal.PoolCore;
import dev.workq.pool.internal.TaskTable;
import dev.workq.protocol.Checks;
import dev.workq.protocol.Validate;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings of a pool on a broker elsewhere, from {@link WorkqPool#connect(String)}: no processes
 * are started; the broker's workers must offer the tasks (the program's classes as a
 * {@code --handlers} jar, registered tasks with the same {@code --task} names).
 */
public final class RemoteBuilder {

  private final ClientOptions client;
  private final Class<?> caller;
  private String queue = WorkqPool.DEFAULT_REMOTE_QUEUE;
  private int maxInFlight = WorkqPool.DEFAULT_MAX_IN_FLIGHT;
  private Duration timeout;
  private final Map<Method, String> registered = new LinkedHashMap<>();

  RemoteBuilder(ClientOptions client, Class<?> caller) {
    this.client = client;
    this.caller = caller;
  }

  /** The queue the workers take from; default {@value WorkqPool#DEFAULT_REMOTE_QUEUE}. */
  public RemoteBuilder queue(String queue) {
    this.queue = Validate.queue("queue", queue);
    return this;
  }

  /** Tasks submitted and not yet handed to the caller; default {@value WorkqPool#DEFAULT_MAX_IN_FLIGHT}. */
  public RemoteBuilder maxInFlight(int max) {
    Checks.range("maxInFlight", max, 1, 1_000_000);
    this.maxInFlight = max;
    return this;
  }

  /** How long a blocking call may wait; default none. */
  public RemoteBuilder timeout(Duration timeout) {
    this.timeout = timeout == null ? null : Checks.positive("timeout", timeout);
    return this;
  }

  /** Calls the static method {@code fn} refers to by {@code name}, as the workers registered it ({@code --task name=Class#method}). */
  public <I, O> RemoteBuilder task(String name, TaskFn<I, O> fn) {
    TaskTable.register(registered, name, fn);
    return this;
  }

  /** Connects; fails with the client's one-line {@link dev.workq.client.WorkqException} if the broker cannot be reached. */
  public WorkqPool start() {
    WorkqClient c = WorkqClient.connect(client);
    PoolCore core = new PoolCore(c, queue, new TaskTable(registered), caller.getClassLoader(), maxInFlight);
    return new WorkqPool(core, timeout, null, null, client.host() + ":" + client.port(), Duration.ZERO);
  }
}
