package dev.workq.pool.internal;

import dev.workq.client.TaskOptions;
import dev.workq.client.TaskResult;
import dev.workq.client.WorkqClient;
import dev.workq.client.WorkqException;
import dev.workq.pool.PoolTimeoutException;
import dev.workq.pool.TaskCancelledException;
import dev.workq.protocol.Payload;
import dev.workq.protocol.Printable;
import dev.workq.worker.tasks.TaskMethods;
import java.io.ByteArrayOutputStream;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every call of one pool shares: the client and queue tasks go to, the {@code maxInFlight}
 * window, the table of tasks submitted and not finished (so {@link #terminate()} and a broken pool
 * can end them all), and whether the pool still takes work.
 */
public final class PoolCore {

  private static final Logger log = LoggerFactory.getLogger(PoolCore.class);

  private final WorkqClient client;
  private final String queue;
  private final TaskTable tasks;
  private final ResultDecoder decoder;
  private final Semaphore window;
  private final String idPrefix = "pool-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
  private final AtomicLong ids = new AtomicLong();
  private final Map<String, CompletableFuture<TaskResult>> outstanding = new ConcurrentHashMap<>();
  /** Why the pool takes no more work (terminated, closed, no workers left); null while it does. */
  private volatile String refusal;
  /** Set with {@link #refusal} when the pool broke rather than being stopped on purpose. */
  private volatile boolean broken;
  /**
   * The handlers a local pool's workers offer, known at start; null for a remote pool, whose
   * workers come and go. The broker routes a task only to a worker offering its handler, so a
   * task none offers would wait forever: it is refused at the call instead.
   */
  private volatile Set<String> offered;

  public PoolCore(WorkqClient client, String queue, TaskTable tasks, ClassLoader loader, int maxInFlight) {
    this.client = client;
    this.queue = queue;
    this.tasks = tasks;
    this.decoder = new ResultDecoder(loader);
    this.window = new Semaphore(maxInFlight);
  }

  public TaskTable tasks() {
    return tasks;
  }

  /** Records the handlers every worker of a local pool offers (see {@link #offered}). */
  public void offered(Set<String> handlers) {
    this.offered = Set.copyOf(handlers);
  }

  public String queue() {
    return queue;
  }

  public WorkqClient client() {
    return client;
  }

  /** Where user callbacks run: the client's callback executor. */
  public Executor callbacks() {
    return client.resources().callbackExecutor();
  }

  /**
   * Submits one task for {@code inputs} (each the arguments of one run): a single run, or with
   * {@code chunk} one {@code <name>:chunk} task. Blocks while the window is full, until
   * {@code deadline} ({@link System#nanoTime()}; Long.MAX_VALUE for none).
   *
   * @throws IllegalArgumentException if an input cannot be written as the task's payload
   * @throws IllegalStateException if the pool takes no more work
   * @throws PoolTimeoutException if the window stayed full until the deadline
   */
  public Submitted submit(TaskRef task, List<Object[]> inputs, boolean chunk, long deadline) {
    String handler = chunk ? TaskMethods.chunkName(task.name()) : task.name();
    Set<String> known = offered;
    if (known != null && !known.contains(handler)) {
      throw new IllegalArgumentException("no worker process of this pool offers the task '" + handler + "' (" + task.display()
          + "): its class must be on the workers' classpath; they offer " + new TreeSet<>(known));
    }
    byte[] payload = chunk ? chunkPayload(task, inputs) : task.payload(inputs.get(0));
    checkOpen();
    acquire(deadline);
    try {
      checkOpen();
    } catch (RuntimeException e) {
      window.release();
      throw e;
    }
    String id = idPrefix + "-" + Long.toHexString(ids.incrementAndGet());
    CompletableFuture<TaskResult> raw = new CompletableFuture<>();
    outstanding.put(id, raw);
    try {
      client.tasks().submit(queue, handler, Payload.wrap(payload), TaskOptions.builder().id(id).build()).whenComplete((r, e) -> {
        outstanding.remove(id, raw);
        if (e != null) {
          raw.completeExceptionally(e);
        } else {
          raw.complete(r);
        }
      });
    } catch (RuntimeException e) {
      outstanding.remove(id);
      window.release();
      throw e;
    }
    CompletableFuture<List<InputResult>> results = raw.thenApply(r -> decoder.decode(task, r, inputs.size(), chunk));
    return new Submitted(id, inputs.size(), results, window);
  }

  private static byte[] chunkPayload(TaskRef task, List<Object[]> inputs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write('[');
    for (int i = 0; i < inputs.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      out.writeBytes(task.payload(inputs.get(i)));
    }
    out.write(']');
    return out.toByteArray();
  }

  private void acquire(long deadline) {
    try {
      // In slices, so a terminate or a broken pool ends a submitter blocked on a full window.
      while (!window.tryAcquire(Math.min(50_000_000L, Math.max(0, deadline - System.nanoTime())), TimeUnit.NANOSECONDS)) {
        checkOpen();
        if (System.nanoTime() - deadline >= 0) {
          throw new PoolTimeoutException("timed out waiting for room in the pool's window of tasks in flight (maxInFlight)");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkqException("interrupted while waiting to submit a task", e);
    }
  }

  /** Throws if the pool takes no more work. */
  public void checkOpen() {
    String why = refusal;
    if (why != null) {
      throw broken ? new WorkqException(why) : new IllegalStateException(why);
    }
  }

  /** Cancels these tasks if still unfinished, at the broker and on their workers; returns at once. */
  public void cancel(Collection<String> taskIds) {
    for (String id : taskIds) {
      if (outstanding.containsKey(id)) {
        client.async().cancel(id).exceptionally(e -> {
          log.debug("cancel of task {} failed: {}", id, Printable.escape(String.valueOf(e.getMessage())));
          return null;
        });
      }
    }
  }

  /**
   * Refuses new work ({@code reason}, e.g. "pool terminated") and cancels every unfinished task,
   * waiting for the broker's answers; their calls fail with {@link TaskCancelledException}. A task
   * whose cancel crossed its submit is failed here, so no call is left waiting. Returns how many
   * tasks the broker cancelled.
   */
  public int terminate(String reason) {
    if (refusal == null) {
      refusal = reason;
    }
    int cancelled = 0;
    try {
      cancelled = client.tasks().terminate();
    } finally {
      for (Map.Entry<String, CompletableFuture<TaskResult>> e : outstanding.entrySet()) {
        e.getValue().completeExceptionally(new TaskCancelledException(e.getKey(), reason, null, 0, null));
      }
    }
    return cancelled;
  }

  /** The pool cannot run tasks any more: every unfinished call fails with {@code reason}, and so does every new one. */
  public void fail(String reason) {
    broken = true;
    refusal = reason;
    cancel(outstanding.keySet());
    for (CompletableFuture<TaskResult> f : outstanding.values()) {
      f.completeExceptionally(new WorkqException(reason));
    }
  }

  /** Whether work is still taken. */
  public boolean open() {
    return refusal == null;
  }

  /** Tasks submitted and not finished. */
  public int outstanding() {
    return outstanding.size();
  }
}
