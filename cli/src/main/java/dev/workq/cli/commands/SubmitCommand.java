package dev.workq.cli.commands;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.workq.cli.BrokerAddress;
import dev.workq.cli.CliFailure;
import dev.workq.cli.Logging;
import dev.workq.cli.Workq;
import dev.workq.cli.Progress;
import dev.workq.client.TaskOptions;
import dev.workq.client.TaskResult;
import dev.workq.client.WorkqClient;
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
import java.util.ArrayList;
import java.util.Iterator;
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
 * with {@code --wait}, one result per line as results arrive instead (exit 1 if any task failed).
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
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new CliFailure(e.getMessage(), Workq.EXIT_USAGE);
    }
  }

  @Override
  public Integer call() throws Exception {
    Logging.command();
    List<JsonNode> payloads = source.payload != null ? List.of(parse(source.payload, "--payload")) : readFile(source.file);
    if (payloads.isEmpty()) {
      throw new CliFailure("no tasks: " + source.file + " has no payload lines");
    }
    TaskOptions task = taskOptions();
    try (WorkqClient client = WorkqClient.connect(broker.options().waitWhenQueueFull(waitIfFull).build())) {
      warnIfNoWorkerOffers(client);
      return waitForResults ? submitAndWait(client, payloads, task) : submit(client, payloads, task);
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
   * A task whose handler no connected worker offers waits for one; say so, since it may be a typo
   * rather than a worker yet to start.
   */
  private void warnIfNoWorkerOffers(WorkqClient client) {
    boolean offered = client.stats().workers().stream().anyMatch(w -> w.handlers().contains(handler));
    if (!offered) {
      System.err.println("workq: warning: no connected worker offers handler '" + handler
          + "'; the tasks will wait on '" + queue + "' until one does");
    }
  }

  private int submitAndWait(WorkqClient client, List<JsonNode> payloads, TaskOptions task) {
    int failed = 0;
    Iterator<TaskResult> results = client.tasks().imapUnordered(queue, handler, payloads, task);
    // On a terminal, a bar on stderr; piped, the result lines themselves are the progress.
    try (Progress progress = Progress.start("tasks", payloads.size(), System.console() != null)) {
      while (results.hasNext()) {
        TaskResult r = results.next();
        if (!r.ok()) {
          failed++;
        }
        // The result record's own codec writes the line (TaskResult is no bean Jackson could write);
        // escaped as results prints it, so a peer's text cannot drive the terminal.
        progress.println(Printable.escape(r.toJson(), Integer.MAX_VALUE));
        progress.step();
      }
    }
    System.out.flush();
    if (failed > 0) {
      throw new CliFailure(failed + " of " + payloads.size() + " tasks failed");
    }
    return 0;
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
