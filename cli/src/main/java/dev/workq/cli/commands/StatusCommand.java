package dev.workq.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workq.cli.BrokerAddress;
import dev.workq.cli.CliFailure;
import dev.workq.cli.Durations;
import dev.workq.cli.Logging;
import dev.workq.cli.TerminalJson;
import dev.workq.client.TaskResult;
import dev.workq.client.TaskStatus;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.Json;
import dev.workq.protocol.Printable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code workq status ID...}: where each task is, one line per id (one JSON object with
 * {@code --json}); a finished task's line carries its result. Exit 1 if any id is not found.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show where tasks are: ready, delayed, running, retrying, done, dead, cancelled or not-found.")
public final class StatusCommand implements Callable<Integer> {

  @Mixin
  BrokerAddress broker;

  @Parameters(paramLabel = "ID", arity = "1..*", description = "Task ids, as submit prints them.")
  List<String> ids;

  @Option(names = "--json", description = "One JSON object per id, with a 'state' field, instead of a line of text.")
  boolean json;

  @Override
  public Integer call() {
    Logging.command();
    List<TaskStatus> statuses;
    List<TaskResult> results = new ArrayList<>();
    try (WorkqClient client = WorkqClient.connect(broker.options().build())) {
      statuses = client.status(ids);
      // A finished task's result record is retained with its state: read it without waiting, a
      // window at a time, since each read is a wait the broker counts (WAIT_LIMIT).
      for (int from = 0; from < statuses.size(); from += WaitCommand.WINDOW) {
        List<CompletableFuture<TaskResult>> reads = new ArrayList<>();
        for (TaskStatus s : statuses.subList(from, Math.min(statuses.size(), from + WaitCommand.WINDOW))) {
          reads.add(s.state().finished() ? client.async().result(s.id(), Duration.ZERO).exceptionally(e -> null)
              : CompletableFuture.completedFuture(null));
        }
        reads.forEach(r -> results.add(r.join()));
      }
    }
    Instant now = Instant.now();
    long missing = 0;
    for (int i = 0; i < statuses.size(); i++) {
      TaskStatus s = statuses.get(i);
      System.out.println(json ? TerminalJson.write(json(s, results.get(i))) : text(s, results.get(i), now));
      if (!s.found()) {
        missing++;
      }
    }
    if (missing > 0) {
      throw new CliFailure(missing + " of " + statuses.size() + " tasks not found (never put, or finished longer ago than the "
          + "broker keeps results)");
    }
    return 0;
  }

  /** The JSON object for one task: id and state always, then the fields that apply to its state. */
  static Map<String, Object> json(TaskStatus s, TaskResult result) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", s.id());
    out.put("state", s.state().word());
    put(out, "queue", s.queue());
    put(out, "handler", s.handler());
    put(out, "priority", s.priority());
    put(out, "attempts", s.attempts());
    put(out, "maxAttempts", s.maxAttempts());
    put(out, "worker", s.worker());
    put(out, "since", s.since() == null ? null : s.since().toString());
    put(out, "notBefore", s.notBefore() == null ? null : s.notBefore().toString());
    put(out, "error", s.error());
    put(out, "key", s.key());
    if (result != null) {
      out.put("result", tree(result));
    }
    return out;
  }

  private static JsonNode tree(TaskResult result) {
    try {
      return Json.mapper().readTree(result.toJson());
    } catch (java.io.IOException e) {
      throw new IllegalStateException("a result record that is not JSON", e);
    }
  }

  private static void put(Map<String, Object> out, String name, Object value) {
    if (value != null) {
      out.put(name, value);
    }
  }

  /** One line for one task, e.g. {@code t-1  delayed  on 'tasks', handler pi; ready at ... (in 30 s)}. */
  static String text(TaskStatus s, TaskResult result, Instant now) {
    StringBuilder sb = new StringBuilder(Printable.escape(s.id())).append("  ").append(s.state().word());
    if (!s.found()) {
      return sb.append("  (never put, or finished longer ago than the broker keeps results)").toString();
    }
    sb.append("  on '").append(Printable.escape(s.queue())).append("', handler ").append(Printable.escape(s.handler()));
    if (s.priority() != null && s.priority() > 0) {
      sb.append(", priority ").append(s.priority());
    }
    if (s.key() != null) {
      sb.append(", key ").append(Printable.escape(s.key()));
    }
    String attempts = s.attempts() == null ? "" : "attempt " + s.attempts() + (s.maxAttempts() == null ? "" : " of " + s.maxAttempts());
    switch (s.state()) {
      case READY -> sb.append(s.since() == null ? "" : "; ready since " + s.since());
      case DELAYED -> sb.append(s.notBefore() == null ? "" : "; ready at " + s.notBefore() + in(now, s.notBefore()));
      case RUNNING -> sb.append("; ").append(attempts).append(s.worker() == null ? "" : " on " + Printable.escape(s.worker()))
          .append(s.since() == null ? "" : " since " + s.since());
      case RETRYING -> sb.append("; ").append(attempts).append(" failed")
          .append(s.error() == null ? "" : ": " + Printable.escape(s.error(), 500))
          .append(s.notBefore() == null ? "" : "; next attempt at " + s.notBefore() + in(now, s.notBefore()));
      case DONE, DEAD, CANCELLED -> {
        sb.append(s.since() == null ? "" : "; finished at " + s.since());
        if (s.attempts() != null) {
          sb.append(" after ").append(s.attempts()).append(s.attempts() == 1 ? " attempt" : " attempts");
        }
        if (result != null) {
          sb.append("; result ").append(Printable.escape(result.toJson(), 4096));
        } else if (s.error() != null) {
          sb.append("; ").append(Printable.escape(s.error(), 500));
        }
      }
      default -> { }
    }
    return sb.toString();
  }

  private static String in(Instant now, Instant at) {
    Duration d = Duration.between(now, at);
    return d.isNegative() ? "" : " (in " + Durations.describe(Duration.ofSeconds(d.toSeconds())) + ")";
  }
}
