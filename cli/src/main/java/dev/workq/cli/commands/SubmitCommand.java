package dev.workq.cli.commands;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.workq.cli.BrokerAddress;
import dev.workq.cli.CliFailure;
import dev.workq.cli.Logging;
import dev.workq.cli.Workq;
import dev.workq.cli.Durations;
import dev.workq.client.BrokerStats;
import dev.workq.client.QueueStats;
import dev.workq.client.TaskOptions;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.Put;
import dev.workq.protocol.Json;
import dev.workq.protocol.Printable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code workq submit}: puts tasks on a queue. Every payload is parsed before the first is sent,
 * so a malformed line submits nothing. Prints one task id per line once the broker has each task;
 * with {@code --wait}, one result per line as results arrive instead (exit 1 if any task failed;
 * {@link SubmitWait} handles Ctrl-C and {@code --timeout}). {@code --delay}/{@code --at},
 * {@code --priority} and {@code --key} map onto {@link TaskOptions}.
 */
@Command(name = "submit", mixinStandardHelpOptions = true, description = "Submit tasks to a queue.")
public final class SubmitCommand implements Callable<Integer> {

  /** Tasks kept unconfirmed at once while submitting. */
  private static final int WINDOW = 1000;

  @Mixin
  BrokerAddress broker;

  @Option(names = "--queue", defaultValue = "tasks", description = "Queue to put the tasks on (default: ${DEFAULT-VALUE}).")
  String queue;

  @Option(names = "--handler", required = true, description = "Handler that runs the tasks, e.g. echo, sleep, pi.")
  String handler;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  static final class Source {
    @Option(names = "--payload", paramLabel = "JSON", description = "One task's payload.")
    String payload;

    @Option(names = "--file", paramLabel = "FILE", description = "One payload per line (JSON lines); '-' reads stdin.")
    String file;
  }

  @Option(names = "--done-queue", paramLabel = "QUEUE", description = "Where results go (default: <queue>.done). Not used with --wait.")
  String doneQueue;

  @Option(names = "--wait", description = "Wait for the results and print them, one JSON object per line.")
  boolean waitForResults;

  @Option(names = "--max-attempts", paramLabel = "N", description = "Deliveries each task gets before the dead letters (default: the broker's).")
  Integer maxAttempts;

  @Option(names = "--lease-ms", paramLabel = "MS", description = "Lease of each delivery without renewal (default: the broker's).")
  Long leaseMs;

  @Option(names = "--delay", paramLabel = "DURATION", converter = Durations.Delay.class,
      description = "Make the tasks ready only this long after the broker accepts them: a number and a unit, ms, s, m or h (e.g. 30s).")
  Duration delay;

  @Option(names = "--at", paramLabel = "TIME",
      description = "Make the tasks ready at this time (ISO-8601, e.g. 2026-12-24T08:00:00Z), turned into a delay by this "
          + "machine's clock; a time passed means at once.")
  String at;

  @Option(names = "--priority", paramLabel = "N", description = "0 to 9, higher first, FIFO within a priority (default: 0).")
  Integer priority;

  @Option(names = "--key", paramLabel = "KEY", description = "Deduplication key (one task only): while a task put with it on this "
      + "queue is unfinished, and for the broker's result retention after, submitting it again queues nothing and prints the "
      + "first task's id.")
  String key;

  @Option(names = "--timeout", paramLabel = "SECONDS", converter = Durations.Seconds.class,
      description = "With --wait: how long to wait in all (seconds, or a number and a unit); then the unfinished tasks are "
          + "handled as on Ctrl-C. Default: no limit.")
  Duration timeout;

  @Option(names = "--keep-unfinished", description = "With --wait: on Ctrl-C or --timeout, leave unfinished tasks running and print "
      + "how to collect their results, instead of cancelling them.")
  boolean keepUnfinished;

  @Option(names = "--wait-if-full", description = "When the queue is full or the broker at its memory budget, wait for room instead of failing with "
      + "QUEUE_FULL or MEMORY_LIMIT.")
  boolean waitIfFull;

  private TaskOptions taskOptions() {
    try {
      TaskOptions.Builder b = TaskOptions.builder();
      // With --wait the results come back to this command, so --done-queue does not apply.
      if (doneQueue != null && !waitForResults) {
        b.doneQueue(doneQueue);
      }
      if (maxAttempts != null) {
        b.maxAttempts(maxAttempts);
      }
      if (leaseMs != null) {
        b.lease(java.time.Duration.ofMillis(leaseMs));
      }
      if (delay != null && at != null) {
        throw new IllegalArgumentException("--delay and --at both say when the tasks start: give one");
      }
      if (delay != null) {
        b.delay(delay);
      }
      if (at != null) {
        b.at(startTime(at));
      }
      if (priority != null) {
        b.priority(priority);
      }
      if (key != null) {
        b.key(key);
      }
      if (!waitForResults && (timeout != null || keepUnfinished)) {
        throw new IllegalArgumentException((timeout != null ? "--timeout" : "--keep-unfinished") + " applies to --wait only");
      }
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new CliFailure(e.getMessage(), Workq.EXIT_USAGE);
    }
  }

  /** {@code --at}'s time, checked against the broker's longest delay by this machine's clock. */
  static Instant startTime(String text) {
    Instant t;
    try {
      t = Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("--at: '" + text + "' is not an ISO-8601 time such as 2026-12-24T08:00:00Z");
    }
    if (Duration.between(Instant.now(), t).toMillis() > Put.MAX_DELAY_MS) {
      throw new IllegalArgumentException("--at: " + text + " is more than " + Put.MAX_DELAY_MS / 86_400_000 + " days ahead");
    }
    return t;
  }

  @Override
  public Integer call() throws Exception {
    Logging.command();
    TaskOptions task = taskOptions();
    List<JsonNode> payloads = source.payload != null ? List.of(parse(source.payload, "--payload")) : readFile(source.file);
    if (payloads.isEmpty()) {
      throw new CliFailure("no tasks: " + source.file + " has no payload lines");
    }
    if (key != null && payloads.size() > 1) {
      throw new CliFailure("--key names one task, but " + source.file + " has " + payloads.size() + " payloads", Workq.EXIT_USAGE);
    }
    try (WorkqClient client = WorkqClient.connect(broker.options().waitWhenQueueFull(waitIfFull).build())) {
      warnIfNoWorkerOffers(client);
      return waitForResults
          ? new SubmitWait(client, queue, handler, payloads, task, keepUnfinished, broker.flags(), System.err).run(timeout)
          : submit(client, payloads, task);
    }
  }

  /**
   * Submits with up to {@link #WINDOW} tasks unconfirmed, printing each id once confirmed. After a
   * refusal (QUEUE_FULL, STORAGE_ERROR) it submits no more, still prints every task that was
   * accepted, and fails naming how many were not.
   */
  private int submit(WorkqClient client, List<JsonNode> payloads, TaskOptions task) {
    ArrayDeque<CompletableFuture<String>> window = new ArrayDeque<>();
    Refusals refusals = new Refusals();
    for (JsonNode p : payloads) {
      if (refusals.first != null) {
        break;
      }
      window.add(client.async().enqueue(queue, handler, p, task));
      if (window.size() >= WINDOW) {
        refusals.print(window.poll());
      }
    }
    while (!window.isEmpty()) {
      refusals.print(window.poll());
    }
    int accepted = refusals.accepted;
    if (accepted < payloads.size()) {
      throw new CliFailure((payloads.size() - accepted) + " of " + payloads.size() + " tasks were not accepted (" + accepted
          + " were, their ids are printed): " + refusals.first);
    }
    return 0;
  }

  /** Counts confirmations and keeps the first refusal's message. */
  private static final class Refusals {
    int accepted;
    String first;

    void print(CompletableFuture<String> f) {
      try {
        System.out.println(f.join());
        accepted++;
      } catch (java.util.concurrent.CompletionException e) {
        Throwable c = e.getCause() == null ? e : e.getCause();
        if (first == null) {
          first = c.getMessage() == null ? c.toString() : c.getMessage();
        }
      }
    }
  }

  /**
   * A task nobody will run waits, which may be a typo rather than a worker yet to start: say so
   * when the queue it goes to has no consumer, or when no connected worker offers its handler.
   */
  private void warnIfNoWorkerOffers(WorkqClient client) {
    String warning = noWorkerWarning(client.stats(), queue, handler);
    if (warning != null) {
      System.err.println("workq: warning: " + warning);
    }
  }

  /**
   * The warning for tasks of {@code handler} put on {@code queue}, or null. STATS says how many
   * consumers each queue has and which handlers each worker offers, not which worker consumes
   * which queue: a worker offering the handler on another queue only is not caught here (the
   * queue's NO-HANDLER count in {@code workq stats} shows it once the tasks wait).
   */
  static String noWorkerWarning(BrokerStats stats, String queue, String handler) {
    String q = "'" + Printable.escape(queue) + "'";
    int consumers = stats.queue(queue).map(QueueStats::consumers).orElse(0);
    if (consumers == 0) {
      return "no worker consumes " + q + (stats.queue(queue).isEmpty() ? " (a queue the broker did not have)" : "")
          + "; the tasks will wait there until one does";
    }
    boolean offered = stats.workers().stream().anyMatch(w -> w.handlers().contains(handler));
    if (!offered) {
      return "no connected worker offers handler '" + Printable.escape(handler) + "'; the tasks will wait on " + q + " until one does";
    }
    return null;
  }

  private static JsonNode parse(String text, String where) {
    try {
      return Json.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new CliFailure(where + " is not valid JSON: " + e.getOriginalMessage(), Workq.EXIT_USAGE);
    }
  }

  private static List<JsonNode> readFile(String file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    BufferedReader reader;
    try {
      reader = "-".equals(file)
          ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
          : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new CliFailure("cannot read " + file + ": no such file", Workq.EXIT_USAGE);
    }
    try (reader) {
      String line;
      int n = 0;
      String name = "-".equals(file) ? "stdin" : file;
      while ((line = reader.readLine()) != null) {
        n++;
        if (!line.isBlank()) {
          out.add(parse(line, name + ":" + n));
        }
      }
    }
    return out;
  }
}
