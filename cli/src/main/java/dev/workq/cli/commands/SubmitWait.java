package dev.workq.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workq.cli.CliFailure;
import dev.workq.cli.Durations;
import dev.workq.cli.Progress;
import dev.workq.client.TaskOptions;
import dev.workq.client.TaskPool;
import dev.workq.client.TaskResult;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.Printable;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code submit --wait}: submits through the client's task pool with a bounded window, prints each
 * result as it arrives, and ends the wait cleanly when it is cut short. On Ctrl-C (SIGINT) or
 * SIGTERM a shutdown hook runs {@link #interrupted}; at {@code --timeout} the command does the
 * same itself: it says how many tasks are unfinished and cancels them (as {@code Pool.terminate}),
 * or, with {@code --keep-unfinished}, leaves them running and prints the commands that collect
 * their results. It owns the hook and the count of tasks not submitted yet.
 */
final class SubmitWait {

  /** Tasks unanswered at once. */
  static final int WINDOW = 1000;
  /** How long an interrupted command spends cancelling before it exits anyway. */
  static final Duration CANCEL_BUDGET = Duration.ofSeconds(10);

  private enum Hook { ARMED, FIRED, DONE }

  private final WorkqClient client;
  private final String queue;
  private final String handler;
  private final List<JsonNode> payloads;
  private final TaskOptions task;
  private final boolean keep;
  /** The flags to repeat in the commands printed for collecting results (--broker and so on). */
  private final String brokerFlags;
  private final PrintStream err;
  private final AtomicInteger submitted = new AtomicInteger();
  private final AtomicReference<Hook> hook = new AtomicReference<>(Hook.ARMED);

  SubmitWait(WorkqClient client, String queue, String handler, List<JsonNode> payloads, TaskOptions task, boolean keep,
      String brokerFlags, PrintStream err) {
    this.client = client;
    this.queue = queue;
    this.handler = handler;
    this.payloads = payloads;
    this.task = task;
    this.keep = keep;
    this.brokerFlags = brokerFlags;
    this.err = err;
  }

  /** Submits and waits, at most {@code timeout} (null: no limit); exit 1 if any task failed or the time ran out. */
  int run(Duration timeout) throws InterruptedException {
    Thread shutdown = new Thread(() -> {
      if (hook.compareAndSet(Hook.ARMED, Hook.FIRED)) {
        interrupted("interrupted");
      }
    }, "workq-submit-interrupt");
    Runtime.getRuntime().addShutdownHook(shutdown);
    try {
      return waitForAll(timeout);
    } finally {
      hook.compareAndSet(Hook.ARMED, Hook.DONE);
      if (hook.get() == Hook.FIRED) {
        // The hook is cancelling or printing: leave the client open for it; the JVM exits once it is done.
        Thread.currentThread().join();
      }
      try {
        Runtime.getRuntime().removeShutdownHook(shutdown);
      } catch (IllegalStateException alreadyExiting) {
        // The JVM is exiting for another reason; the hook is disarmed above.
      }
    }
  }

  private int waitForAll(Duration timeout) throws InterruptedException {
    long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    TaskPool pool = client.tasks();
    LinkedBlockingQueue<Object> arrived = new LinkedBlockingQueue<>();
    Semaphore window = new Semaphore(WINDOW);
    Iterator<JsonNode> next = payloads.iterator();
    int failed = 0;
    int done = 0;
    try (Progress progress = Progress.start("tasks", payloads.size(), System.console() != null)) {
      while (done < payloads.size()) {
        while (next.hasNext() && window.tryAcquire()) {
          CompletableFuture<TaskResult> f = pool.submit(queue, handler, next.next(), task);
          submitted.incrementAndGet();
          f.whenComplete((r, e) -> {
            window.release();
            arrived.add(e != null ? e : r);
          });
        }
        long leftNs = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
        if (leftNs <= 0) {
          return timedOut(timeout);
        }
        Object o = arrived.poll(Math.min(leftNs, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
        if (hook.get() != Hook.ARMED) {
          return 1;
        }
        if (o == null) {
          continue;
        }
        if (o instanceof Throwable e) {
          Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
          throw c instanceof RuntimeException re ? re : new CliFailure(String.valueOf(c.getMessage()));
        }
        TaskResult r = (TaskResult) o;
        if (!r.ok()) {
          failed++;
        }
        // The result record's own codec writes the line; escaped as results prints it, so a peer's text cannot drive the terminal.
        progress.println(Printable.escape(r.toJson(), Integer.MAX_VALUE));
        progress.step();
        done++;
      }
    }
    System.out.flush();
    if (failed > 0) {
      throw new CliFailure(failed + " of " + payloads.size() + " tasks failed");
    }
    return 0;
  }

  /** The time ran out: handle the unfinished tasks as an interrupt would, then fail naming the timeout. */
  private int timedOut(Duration timeout) {
    if (!hook.compareAndSet(Hook.ARMED, Hook.DONE)) {
      return 1;
    }
    interrupted("not all finished within " + Durations.describe(timeout));
    throw new CliFailure("timed out after " + Durations.describe(timeout) + " (--timeout)");
  }

  /**
   * The wait was cut short ({@code why}): say how many tasks are unfinished, then cancel them,
   * or with --keep-unfinished print how to collect their results. Lines go to stderr.
   */
  void interrupted(String why) {
    Set<String> pending = client.tasks().pending();
    int notSubmitted = payloads.size() - submitted.get();
    String never = notSubmitted > 0 ? "; " + notSubmitted + " never submitted" : "";
    if (pending.isEmpty()) {
      err.println("workq: " + why + ": no task unfinished" + never);
      err.flush();
      return;
    }
    if (keep) {
      err.println("workq: " + why + ": " + pending.size() + " of " + payloads.size() + " tasks unfinished, left running"
          + " (--keep-unfinished)" + never + "; collect their results with");
      err.println("  workq wait" + brokerFlags + " " + String.join(" ", pending));
      err.println("  or take them off the reply queue they go to (wait leaves them there): workq results" + brokerFlags
          + " --queue " + client.tasks().replyQueue() + " --count " + pending.size() + " --timeout 3600");
      err.flush();
      return;
    }
    err.println("workq: " + why + ": cancelling " + pending.size() + " of " + payloads.size() + " tasks, unfinished" + never
        + " (--keep-unfinished leaves them running)");
    err.flush();
    int cancelled;
    try {
      cancelled = CompletableFuture.supplyAsync(client.tasks()::terminate).get(CANCEL_BUDGET.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      Throwable c = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
      String reason = c instanceof java.util.concurrent.TimeoutException ? "no answer within " + Durations.describe(CANCEL_BUDGET)
          : String.valueOf(c.getMessage());
      err.println("workq: could not cancel them all (" + reason + ")"
          + "; still pending: workq cancel" + brokerFlags + " " + String.join(" ", client.tasks().pending()));
      err.flush();
      return;
    }
    err.println("workq: cancelled " + cancelled + " tasks" + (cancelled < pending.size()
        ? " (" + (pending.size() - cancelled) + " finished before the cancel reached them)" : ""));
    err.flush();
  }
}
