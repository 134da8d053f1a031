package dev.workq.pool.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Collects the results of a {@code map}: each submitted task's outcomes go to their inputs'
 * positions; the first input that failed fails the whole call, which then cancels every other
 * unfinished task of it at once (a failed map does not leave its tasks running).
 */
final class Gather {

  private final PoolCore core;
  private final CompletableFuture<List<Object>> done = new CompletableFuture<>();
  private final List<Submitted> parts = new ArrayList<>();
  private Object[] values = new Object[16];
  private int submittedInputs;
  private int finishedParts;
  private boolean allSubmitted;

  Gather(PoolCore core) {
    this.core = core;
  }

  /** The list of every input's value, in input order; fails with the first failure. */
  CompletableFuture<List<Object>> done() {
    return done;
  }

  /** Whether the call has failed already, so submitting more is useless. */
  boolean failed() {
    return done.isCompletedExceptionally();
  }

  /** Adds a submitted task, whose inputs come after those added before. */
  void add(Submitted s) {
    int offset;
    synchronized (this) {
      offset = submittedInputs;
      submittedInputs += s.inputs();
      if (values.length < submittedInputs) {
        values = Arrays.copyOf(values, Math.max(submittedInputs, values.length * 2));
      }
      parts.add(s);
    }
    s.results().whenComplete((outcomes, e) -> {
      s.release();
      if (e != null) {
        fail(Failures.unwrap(e));
        return;
      }
      for (InputResult r : outcomes) {
        if (r.failure() != null) {
          fail(r.failure());
          return;
        }
      }
      synchronized (this) {
        for (int i = 0; i < outcomes.size(); i++) {
          values[offset + i] = outcomes.get(i).value();
        }
        finishedParts++;
      }
      completeIfDone();
    });
  }

  /** Every task has been added. */
  void finish() {
    synchronized (this) {
      allSubmitted = true;
    }
    completeIfDone();
  }

  /** Fails the call and cancels its unfinished tasks. */
  void fail(Throwable failure) {
    if (done.completeExceptionally(failure)) {
      cancelAll();
    }
  }

  /** Cancels every unfinished task of the call. */
  void cancelAll() {
    List<String> ids;
    synchronized (this) {
      ids = parts.stream().filter(p -> !p.results().isDone()).map(Submitted::id).toList();
    }
    core.cancel(ids);
  }

  /** The ids of the call's tasks so far, in input order. */
  synchronized List<String> ids() {
    return parts.stream().map(Submitted::id).toList();
  }

  private void completeIfDone() {
    List<Object> result = null;
    synchronized (this) {
      if (allSubmitted && finishedParts == parts.size()) {
        result = new ArrayList<>(Arrays.asList(values).subList(0, submittedInputs));
      }
    }
    if (result != null) {
      done.complete(result);
    }
  }
}
