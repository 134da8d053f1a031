package dev.workq.cli.commands;

import dev.workq.cli.BrokerAddress;
import dev.workq.cli.CliFailure;
import dev.workq.cli.Logging;
import dev.workq.cli.Workq;
import dev.workq.worker.HandlerJarException;
import dev.workq.worker.Worker;
import dev.workq.worker.WorkerOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code workq worker}: a worker process. Exits 0 after a STOP sentinel, once every task it held
 * is finished, or after SIGTERM, once its running tasks finish and the rest are handed back (at
 * once if it is waiting for its broker); 3 if the broker stays out of reach for the reconnect
 * timeout, at start or after losing it; 2 on bad usage, such as a {@code --handlers} path that is
 * not a jar offering a handler; 1 if the broker refuses it (authkey, TLS).
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
    description = "Run a worker: take tasks from a queue, run their handlers, send results; exit 0 after a STOP.")
public final class WorkerCommand implements Callable<Integer> {

  @Mixin
  BrokerAddress broker;

  @Option(names = "--queue", defaultValue = WorkerOptions.DEFAULT_QUEUE, description = "Queue to take tasks from (default: ${DEFAULT-VALUE}).")
  String queue;

  @Option(names = "--concurrency", paramLabel = "N", description = "Tasks run at once (default: one per core).")
  Integer concurrency;

  @Option(names = "--prefetch", paramLabel = "N", description = "Unfinished tasks held at most (default: twice the concurrency).")
  Integer prefetch;

  @Option(names = "--handlers", paramLabel = "PATH.jar", arity = "1..*", description = "Jars with more handlers (ServiceLoader); each must list at least one in META-INF/services/dev.workq.worker.api.TaskHandler.")
  List<Path> handlers = new ArrayList<>();

  @Option(names = "--allow-exec", description = "Offer the 'exec' handler, which runs commands: remote command execution.")
  boolean allowExec;

  @Option(names = "--grace-period", paramLabel = "SECONDS", defaultValue = "30",
      description = "On SIGTERM or STOP, how long running tasks get to finish before they are handed back (default: ${DEFAULT-VALUE}).")
  long gracePeriodSeconds;

  @Option(names = "--cancel-grace", paramLabel = "SECONDS", defaultValue = "10",
      description = "How long the handler of a cancelled task may keep running before the worker abandons it and gives its slot "
          + "to the next task (default: ${DEFAULT-VALUE}).")
  long cancelGraceSeconds;

  @Option(names = "--reconnect-timeout", paramLabel = "SECONDS", defaultValue = "60",
      description = "How long to wait for the broker, at start or after losing it, before exiting with 3 (default: ${DEFAULT-VALUE}).")
  long reconnectTimeoutSeconds;

  @Override
  public Integer call() {
    Logging.daemon();
    WorkerOptions options;
    try {
      WorkerOptions.Builder b = WorkerOptions.builder().client(broker.options().build()).queue(queue)
          .handlerJars(handlers).allowExec(allowExec).reconnectTimeout(java.time.Duration.ofSeconds(reconnectTimeoutSeconds))
          .gracePeriod(java.time.Duration.ofSeconds(gracePeriodSeconds))
          .cancelGrace(java.time.Duration.ofSeconds(cancelGraceSeconds));
      if (concurrency != null) {
        b.concurrency(concurrency);
      }
      if (prefetch != null) {
        b.prefetch(prefetch);
      }
      options = b.build();
    } catch (IllegalArgumentException e) {
      throw new CliFailure(e.getMessage(), Workq.EXIT_USAGE);
    }
    Worker worker;
    try {
      worker = new Worker(options);
    } catch (HandlerJarException e) {
      throw new CliFailure(e.getMessage(), Workq.EXIT_USAGE);
    }
    onSigterm(worker::stop);
    return worker.run();
  }

  /**
   * SIGTERM (and SIGINT) stop the worker gracefully rather than killing the JVM, so it exits 0
   * after handing back what it has not finished, just as after a STOP.
   */
  @SuppressWarnings("restriction")
  private static void onSigterm(Runnable stop) {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> stop.run());
      } catch (IllegalArgumentException e) {
        // The platform does not have this signal; the default behaviour stays.
      }
    }
  }
}
