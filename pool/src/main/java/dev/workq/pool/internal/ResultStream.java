package dev.workq.pool.internal;

import dev.workq.client.WorkqException;
import dev.workq.pool.PoolIterator;
import dev.workq.pool.PoolTimeoutException;
import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The iterator of {@code imap} and {@code imapUnordered}. A submitter thread reads the inputs and
 * submits them as the pool's window allows; tasks reach the consumer in submit order (imap) or as
 * they finish (imapUnordered). A task keeps its window permit until its results are handed over,
 * so in order the results waiting behind a slow earlier one stay bounded too.
 */
final class ResultStream<O> implements PoolIterator<O> {

  /** Put on the queue once nothing more will come. */
  private static final Object END = new Object();

  private final PoolCore core;
  private final Duration timeout;
  private final BlockingQueue<Object> arrivals = new LinkedBlockingQueue<>();
  /** Tasks submitted whose results the consumer has not taken: what {@link #close()} cancels. */
  private final Set<Submitted> unreturned = ConcurrentHashMap.newKeySet();
  /** Unordered only: the submitter plus the tasks not finished; whoever brings it to 0 puts {@link #END}. */
  private final AtomicInteger unfinished = new AtomicInteger(1);
  private final Thread submitter;
  private volatile boolean closed;
  /** Taken off the queue, results not arrived yet (a timed-out next() waits for it again). */
  private Submitted head;
  private Iterator<InputResult> buffer = Collections.emptyIterator();
  private RuntimeException submitFailure;
  private boolean ended;

  ResultStream(PoolCore core, TaskRef task, Iterator<Object[]> inputs, int chunksize, boolean ordered, Duration timeout) {
    this.core = core;
    this.timeout = timeout;
    this.submitter = new Thread(() -> submitAll(task, inputs, chunksize, ordered), "workq-pool-imap");
    submitter.setDaemon(true);
    submitter.start();
  }

  private void submitAll(TaskRef task, Iterator<Object[]> inputs, int chunksize, boolean ordered) {
    try {
      while (!closed && inputs.hasNext()) {
        Submitted s = core.submit(task, Calls.group(inputs, chunksize), chunksize > 1, Long.MAX_VALUE);
        unreturned.add(s);
        if (ordered) {
          arrivals.add(s);
        } else {
          unfinished.incrementAndGet();
          s.results().whenComplete((r, e) -> {
            arrivals.add(s);
            if (unfinished.decrementAndGet() == 0) {
              arrivals.add(END);
            }
          });
        }
      }
    } catch (RuntimeException e) {
      if (!closed) {
        arrivals.add(e);
      }
    } finally {
      if (ordered || unfinished.decrementAndGet() == 0) {
        arrivals.add(END);
      }
    }
  }

  @Override
  public boolean hasNext() {
    return advance(deadline(timeout));
  }

  @Override
  public O next() {
    return next(timeout);
  }

  @Override
  @SuppressWarnings("unchecked")
  public O next(Duration timeout) {
    if (!advance(deadline(timeout))) {
      throw new NoSuchElementException("no more results");
    }
    if (submitFailure != null) {
      RuntimeException e = submitFailure;
      submitFailure = null;
      throw e;
    }
    return (O) buffer.next().get();
  }

  /** Loads the next task's results into the buffer if it is empty; false once every result was returned. */
  private boolean advance(long deadline) {
    while (submitFailure == null && !buffer.hasNext()) {
      if (ended) {
        return false;
      }
      if (head == null) {
        Object item = poll(deadline);
        if (item == END) {
          ended = true;
          continue;
        }
        if (item instanceof RuntimeException e) {
          submitFailure = e;
          continue;
        }
        head = (Submitted) item;
      }
      List<InputResult> results = await(head, deadline);
      unreturned.remove(head);
      head.release();
      head = null;
      buffer = results.iterator();
    }
    return true;
  }

  private Object poll(long deadline) {
    if (closed) {
      throw new IllegalStateException("the iterator is closed");
    }
    try {
      Object item = deadline == Long.MAX_VALUE ? arrivals.take() : arrivals.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (item == null) {
        throw new PoolTimeoutException("no result within the timeout (the tasks keep running)");
      }
      return item;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkqException("interrupted while waiting for a result", e);
    }
  }

  private List<InputResult> await(Submitted s, long deadline) {
    try {
      return deadline == Long.MAX_VALUE ? s.results().get() : s.results().get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new PoolTimeoutException("no result within the timeout (the task keeps running)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkqException("interrupted while waiting for a result", e);
    } catch (ExecutionException e) {
      return Collections.nCopies(s.inputs(), new InputResult(null, Failures.unwrap(e)));
    }
  }

  private static long deadline(Duration timeout) {
    return timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    submitter.interrupt();
    try {
      submitter.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<String> ids = unreturned.stream().filter(s -> !s.results().isDone()).map(Submitted::id).toList();
    core.cancel(ids);
    unreturned.forEach(Submitted::release);
    unreturned.clear();
  }
}
