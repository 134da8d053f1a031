package dev.workq.cli.commands;

import dev.workq.cli.BrokerAddress;
import dev.workq.cli.CliFailure;
import dev.workq.cli.Durations;
import dev.workq.cli.Logging;
import dev.workq.client.RemoteException;
import dev.workq.client.TaskResult;
import dev.workq.client.WaitTimeoutException;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.Printable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code workq wait ID...}: waits for tasks to finish and prints each result record as one line
 * of JSON as it comes, taking nothing off any queue. Exit 1 if any task failed (dead or
 * cancelled included), did not finish within {@code --timeout}, or is not found.
 */
@Command(name = "wait", mixinStandardHelpOptions = true,
    description = "Wait for tasks by id and print their results, one JSON object per line, as they finish.")
public final class WaitCommand implements Callable<Integer> {

  /** Waits kept at the broker at once, well under its per-connection limit (WAIT_LIMIT, 1024 by default). */
  static final int WINDOW = 256;

  @Mixin
  BrokerAddress broker;

  @Parameters(paramLabel = "ID", arity = "1..*", description = "Task ids, as submit prints them.")
  List<String> ids;

  @Option(names = "--timeout", paramLabel = "SECONDS", converter = Durations.Seconds.class,
      description = "How long to wait in all: seconds, or a number and a unit (ms, s, m, h); default: no limit.")
  Duration timeout;

  @Override
  public Integer call() throws InterruptedException {
    Logging.command();
    List<String> unique = new ArrayList<>(new LinkedHashSet<>(ids));
    long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    LinkedBlockingQueue<Object> finished = new LinkedBlockingQueue<>();
    Semaphore window = new Semaphore(WINDOW);
    int failed = 0;
    List<String> unfinished = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    try (WorkqClient client = WorkqClient.connect(broker.options().build())) {
      for (String id : unique) {
        window.acquire();
        Duration left = timeout == null ? null : Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        client.async().result(id, left).whenComplete((r, e) -> {
          window.release();
          finished.add(e == null ? r : new Failure(id, e instanceof CompletionException && e.getCause() != null ? e.getCause() : e));
        });
      }
      for (int i = 0; i < unique.size(); i++) {
        Object o = finished.take();
        if (o instanceof TaskResult r) {
          System.out.println(Printable.escape(r.toJson(), Integer.MAX_VALUE));
          System.out.flush();
          if (!r.ok()) {
            failed++;
          }
        } else {
          Failure f = (Failure) o;
          if (f.cause instanceof WaitTimeoutException t) {
            unfinished.add(Printable.escape(f.id) + " (" + t.state() + ")");
          } else if (f.cause instanceof RemoteException r && r.code() == ErrorCode.UNKNOWN_TASK) {
            missing.add(Printable.escape(f.id));
          } else {
            throw f.cause instanceof RuntimeException re ? re : new CliFailure(String.valueOf(f.cause.getMessage()));
          }
        }
      }
    }
    String problems = problems(unique.size(), failed, unfinished, missing, timeout);
    if (!problems.isEmpty()) {
      throw new CliFailure(problems);
    }
    return 0;
  }

  /** One line naming what went wrong, or empty when every task finished and succeeded. */
  static String problems(int total, int failed, List<String> unfinished, List<String> missing, Duration timeout) {
    List<String> parts = new ArrayList<>();
    if (!unfinished.isEmpty()) {
      parts.add(unfinished.size() + " of " + total + " tasks did not finish within " + Durations.describe(timeout) + ": "
          + shortList(unfinished));
    }
    if (!missing.isEmpty()) {
      parts.add(missing.size() + " of " + total + " tasks not found: " + shortList(missing));
    }
    if (failed > 0) {
      parts.add(failed + " of " + total + " tasks failed");
    }
    return String.join("; ", parts);
  }

  private static String shortList(List<String> items) {
    return items.size() <= 10 ? String.join(", ", items) : String.join(", ", items.subList(0, 10)) + ", ...";
  }

  private record Failure(String id, Throwable cause) {}
}
