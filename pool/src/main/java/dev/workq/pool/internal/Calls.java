package dev.workq.pool.internal;

import dev.workq.client.WorkqException;
import dev.workq.pool.AsyncResult;
import dev.workq.pool.MapOptions;
import dev.workq.pool.PoolIterator;
import dev.workq.pool.PoolTimeoutException;
import dev.workq.pool.TaskCancelledException;
import dev.workq.pool.TaskFailedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The pool's calls (apply, map, imap, their async forms) over a resolved {@link TaskRef} and inputs
 * as argument arrays; {@link dev.workq.pool.WorkqPool} only turns method references and typed
 * inputs into these.
 */
public final class Calls {

  private final PoolCore core;
  /** The pool's timeout for blocking calls; null for none. */
  private final Duration timeout;

  public Calls(PoolCore core, Duration timeout) {
    this.core = core;
    this.timeout = timeout;
  }

  /** Runs one task and waits for its value; on a timeout or interrupt the task is cancelled. */
  public Object apply(TaskRef task, Object[] args) {
    long deadline = deadline(timeout);
    Submitted s = core.submit(task, List.<Object[]>of(args), false, deadline);
    try {
      return await(s.results(), deadline, task.display()).get(0).get();
    } catch (PoolTimeoutException e) {
      core.cancel(List.of(s.id()));
      throw new PoolTimeoutException("apply of " + task.display() + " did not finish within " + timeout + "; its task was cancelled");
    } catch (WorkqException e) {
      if (!(e instanceof TaskFailedException)) {
        core.cancel(List.of(s.id()));
      }
      throw e;
    } finally {
      s.release();
    }
  }

  /** Submits one task; callbacks (either may be null) run on the client's callback executor. */
  public <O> AsyncResult<O> applyAsync(TaskRef task, Object[] args, Consumer<? super O> onSuccess,
      Consumer<? super TaskFailedException> onError) {
    Submitted s = core.submit(task, List.<Object[]>of(args), false, Long.MAX_VALUE);
    CompletableFuture<O> value = new CompletableFuture<>();
    s.results().whenComplete((results, e) -> {
      s.release();
      RuntimeException failure = e != null ? Failures.unwrap(e) : results.get(0).failure();
      if (failure != null) {
        value.completeExceptionally(failure);
      } else {
        @SuppressWarnings("unchecked")
        O v = (O) results.get(0).value();
        value.complete(v);
      }
    });
    if (onSuccess != null || onError != null) {
      value.whenCompleteAsync((v, e) -> {
        if (e == null && onSuccess != null) {
          onSuccess.accept(v);
        } else if (e != null && onError != null) {
          onError.accept(asTaskFailure(s.id(), Failures.unwrap(e)));
        }
      }, core.callbacks());
    }
    return new AsyncResultImpl<>(value, () -> List.of(s.id()), () -> core.cancel(List.of(s.id())), core.callbacks());
  }

  /**
   * Runs the task over every input and waits for all values, in input order. Submits on this
   * thread, blocking while the window is full; the first failure, a timeout or an interrupt
   * cancels every unfinished task of the call before it is thrown.
   */
  public List<Object> map(TaskRef task, Iterator<Object[]> inputs, MapOptions options) {
    Duration limit = options.timeout() != null ? options.timeout() : timeout;
    long deadline = deadline(limit);
    Gather gather = new Gather(core);
    try {
      while (!gather.failed() && inputs.hasNext()) {
        gather.add(core.submit(task, group(inputs, options.chunksize()), options.chunksize() > 1, deadline));
      }
      gather.finish();
      return await(gather.done(), deadline, task.display());
    } catch (RuntimeException e) {
      gather.cancelAll();
      if (e instanceof PoolTimeoutException) {
        throw new PoolTimeoutException("map of " + task.display() + " did not finish within " + limit
            + "; its unfinished tasks were cancelled");
      }
      throw e;
    }
  }

  /** As {@link #map}, submitting on a thread of its own and returning at once. */
  public AsyncResult<List<Object>> mapAsync(TaskRef task, Iterator<Object[]> inputs, MapOptions options) {
    Gather gather = new Gather(core);
    Thread submitter = new Thread(() -> {
      try {
        while (!gather.failed() && inputs.hasNext()) {
          gather.add(core.submit(task, group(inputs, options.chunksize()), options.chunksize() > 1, Long.MAX_VALUE));
        }
        gather.finish();
      } catch (RuntimeException e) {
        gather.fail(e);
      }
    }, "workq-pool-map");
    submitter.setDaemon(true);
    submitter.start();
    Runnable cancel = () -> gather.fail(new TaskCancelledException(String.join(",", gather.ids()), "cancelled by the caller", null, 0, null));
    return new AsyncResultImpl<>(gather.done(), gather::ids, cancel, core.callbacks());
  }

  /** The lazy iterator over the results, in input order ({@code ordered}) or as they finish. */
  public <O> PoolIterator<O> imap(TaskRef task, Iterator<Object[]> inputs, MapOptions options, boolean ordered) {
    core.checkOpen();
    return new ResultStream<>(core, task, inputs, options.chunksize(), ordered, options.timeout() != null ? options.timeout() : timeout);
  }

  /** The next up to {@code size} inputs. */
  static List<Object[]> group(Iterator<Object[]> inputs, int size) {
    List<Object[]> group = new ArrayList<>(Math.min(size, 1024));
    while (group.size() < size && inputs.hasNext()) {
      group.add(inputs.next());
    }
    return group;
  }

  private static TaskFailedException asTaskFailure(String id, RuntimeException e) {
    return e instanceof TaskFailedException t ? t : new TaskFailedException(id, e.getClass().getName(), e.getMessage(), null, 0, e);
  }

  private static long deadline(Duration limit) {
    return limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
  }

  private static <T> T await(CompletableFuture<T> f, long deadline, String what) {
    try {
      return deadline == Long.MAX_VALUE ? f.get() : f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new PoolTimeoutException(what + " did not finish in time");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkqException("interrupted while waiting for " + what, e);
    } catch (ExecutionException e) {
      throw Failures.unwrap(e);
    }
  }
}
