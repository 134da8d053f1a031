package dev.workq.worker;

import dev.workq.client.ClientOptions;
import dev.workq.protocol.Checks;
import dev.workq.protocol.Validate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** How a {@link Worker} runs. Immutable; build with {@link #builder()}. */
public final class WorkerOptions {

  /** Default queue: {@value}. */
  public static final String DEFAULT_QUEUE = "tasks";
  /** Default concurrency: one handler thread per core. */
  public static final int DEFAULT_CONCURRENCY = Runtime.getRuntime().availableProcessors();
  /** Default time a worker tries to get its broker back after losing it: 60 s. */
  public static final Duration DEFAULT_RECONNECT_TIMEOUT = Duration.ofSeconds(60);
  /** Default time running tasks get to finish on a stop (SIGTERM): 30 s. */
  public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofSeconds(30);
  /** Default time a cancelled task's handler gets to stop before the worker abandons it: 10 s. */
  public static final Duration DEFAULT_CANCEL_GRACE = Duration.ofSeconds(10);

  private final ClientOptions client;
  private final String queue;
  private final int concurrency;
  private final int prefetch;
  private final List<Path> handlerJars;
  private final List<Path> taskPath;
  private final Map<String, String> tasks;
  private final boolean allowExec;
  private final Duration reconnectTimeout;
  private final Duration gracePeriod;
  private final Duration cancelGrace;

  private WorkerOptions(Builder b) {
    this.client = b.client;
    this.queue = b.queue;
    this.concurrency = b.concurrency;
    this.prefetch = b.prefetch > 0 ? b.prefetch : 2 * b.concurrency;
    this.handlerJars = List.copyOf(b.handlerJars);
    this.taskPath = List.copyOf(b.taskPath);
    this.tasks = Map.copyOf(b.tasks);
    this.allowExec = b.allowExec;
    this.reconnectTimeout = b.reconnectTimeout;
    this.gracePeriod = b.gracePeriod;
    this.cancelGrace = b.cancelGrace;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** How to reach the broker. */
  public ClientOptions client() {
    return client;
  }

  /** The queue to take tasks from; default {@value #DEFAULT_QUEUE}. */
  public String queue() {
    return queue;
  }

  /** Tasks run at once; default one per core. */
  public int concurrency() {
    return concurrency;
  }

  /** Unfinished tasks this worker holds at most, running or waiting; default twice the concurrency. */
  public int prefetch() {
    return prefetch;
  }

  /** Jars searched for handlers besides the classpath. */
  public List<Path> handlerJars() {
    return handlerJars;
  }

  /**
   * Entries of the worker's own classpath (directories and jars) searched for
   * {@link dev.workq.worker.api.Task} methods and classes, which need no services file; default
   * none. Each task is offered under its name and its {@code <name>:chunk} name.
   */
  public List<Path> taskPath() {
    return taskPath;
  }

  /**
   * Static methods offered as tasks without the annotation: task name to
   * {@code binary.ClassName#method}; default none. Each is offered under its name and its
   * {@code <name>:chunk} name, like a {@link dev.workq.worker.api.Task} method.
   */
  public Map<String, String> tasks() {
    return tasks;
  }

  /** Whether the {@code exec} handler (remote command execution) is offered; default false. */
  public boolean allowExec() {
    return allowExec;
  }

  /** How long a worker that lost its broker keeps trying to reconnect before it exits; default 60 s. */
  public Duration reconnectTimeout() {
    return reconnectTimeout;
  }

  /** How long running tasks may take to finish on a stop before they are handed back; default 30 s. */
  public Duration gracePeriod() {
    return gracePeriod;
  }

  /**
   * How long the handler of a cancelled task may keep running before the worker abandons it;
   * default 10 s. A cancelled task's handler sees {@code TaskContext.cancelled()} and its thread is
   * interrupted; one that still runs after this grace is left running on its thread, but the
   * worker stops waiting for it (a stop does not wait for it either) and runs its next task in its
   * place. Nothing is sent for a cancelled task.
   */
  public Duration cancelGrace() {
    return cancelGrace;
  }

  /** Builds {@link WorkerOptions}; every setter checks its argument. */
  public static final class Builder {
    private ClientOptions client = ClientOptions.builder().build();
    private String queue = DEFAULT_QUEUE;
    private int concurrency = DEFAULT_CONCURRENCY;
    private int prefetch;
    private List<Path> handlerJars = List.of();
    private List<Path> taskPath = List.of();
    private Map<String, String> tasks = Map.of();
    private boolean allowExec;
    private Duration reconnectTimeout = DEFAULT_RECONNECT_TIMEOUT;
    private Duration gracePeriod = DEFAULT_GRACE_PERIOD;
    private Duration cancelGrace = DEFAULT_CANCEL_GRACE;

    private Builder() {}

    /** See {@link WorkerOptions#cancelGrace()}. */
    public Builder cancelGrace(Duration grace) {
      Checks.notNegative("cancelGrace", grace);
      this.cancelGrace = grace;
      return this;
    }

    public Builder gracePeriod(Duration grace) {
      Checks.notNegative("gracePeriod", grace);
      this.gracePeriod = grace;
      return this;
    }

    public Builder reconnectTimeout(Duration timeout) {
      Checks.notNegative("reconnectTimeout", timeout);
      this.reconnectTimeout = timeout;
      return this;
    }

    public Builder client(ClientOptions client) {
      if (client == null) {
        throw new IllegalArgumentException("client must not be null");
      }
      this.client = client;
      return this;
    }

    public Builder queue(String queue) {
      this.queue = Validate.queue("queue", queue);
      return this;
    }

    public Builder concurrency(int concurrency) {
      Checks.range("concurrency", concurrency, 1, 1024);
      this.concurrency = concurrency;
      return this;
    }

    /** Unfinished tasks held at most; 0 means twice the concurrency. */
    public Builder prefetch(int prefetch) {
      if (prefetch < 0 || prefetch > dev.workq.protocol.Consume.MAX_PREFETCH) {
        throw new IllegalArgumentException("prefetch must be 1.." + dev.workq.protocol.Consume.MAX_PREFETCH + ", got " + prefetch);
      }
      this.prefetch = prefetch;
      return this;
    }

    public Builder handlerJars(List<Path> jars) {
      if (jars == null) {
        throw new IllegalArgumentException("handlerJars must not be null");
      }
      this.handlerJars = jars;
      return this;
    }

    /**
     * See {@link WorkerOptions#taskPath()}. Whether each entry exists is checked when the worker is
     * made, with the other handler sources.
     */
    public Builder taskPath(List<Path> entries) {
      if (entries == null || entries.stream().anyMatch(java.util.Objects::isNull)) {
        throw new IllegalArgumentException("taskPath must be a list of paths, got " + entries);
      }
      this.taskPath = entries;
      return this;
    }

    /**
     * See {@link WorkerOptions#tasks()}. The spec's form and the name are checked here; whether the
     * method exists and is static, when the worker is made.
     */
    public Builder tasks(Map<String, String> nameToSpec) {
      if (nameToSpec == null) {
        throw new IllegalArgumentException("tasks must not be null");
      }
      for (Map.Entry<String, String> t : nameToSpec.entrySet()) {
        String name = t.getKey();
        String spec = t.getValue();
        if (name != null && name.contains(":")) {
          throw new IllegalArgumentException("task name '" + name + "' may not contain ':'");
        }
        Validate.name("task name", name);
        int hash = spec == null ? -1 : spec.indexOf('#');
        if (hash <= 0 || hash == spec.length() - 1 || spec.indexOf('#', hash + 1) >= 0) {
          throw new IllegalArgumentException("task '" + name + "': '" + spec + "' is not of the form binary.ClassName#method");
        }
      }
      this.tasks = nameToSpec;
      return this;
    }

    public Builder allowExec(boolean allowExec) {
      this.allowExec = allowExec;
      return this;
    }

    public WorkerOptions build() {
      return new WorkerOptions(this);
    }
  }
}
