package dev.workq.worker;

import dev.workq.client.ClientOptions;
import dev.workq.client.Delivery;
import dev.workq.client.DeliveryListener;
import dev.workq.client.WorkqClient;
import dev.workq.client.internal.Connection;
import dev.workq.protocol.Role;
import dev.workq.worker.internal.HandlerRegistry;
import dev.workq.worker.internal.TaskRunner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker process's runtime: the loop {@code for task in iter(task_queue.get, 'STOP')} over the
 * network. It connects as a worker, announces its handlers, takes up to {@code prefetch} tasks at a
 * time from its queue, runs them on {@code concurrency} threads and sends each result. When it
 * takes a STOP sentinel it finishes every task it holds, sends their results and returns 0.
 */
public final class Worker {

  /** Exit status after a STOP: every held task finished. */
  public static final int EXIT_STOPPED = 0;
  /** Exit status after losing the broker: held tasks go back to the queue at the broker. */
  public static final int EXIT_BROKER_LOST = 3;

  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  private final WorkerOptions options;
  private final HandlerRegistry registry;
  private final String id;
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private final AtomicInteger completed = new AtomicInteger();

  public Worker(WorkerOptions options) {
    this.options = options;
    this.registry = HandlerRegistry.load(options.handlerJars(), options.allowExec());
    this.id = Connection.localHost() + ":" + ProcessHandle.current().pid();
  }

  /** {@code host:pid}, as results name this worker. */
  public String id() {
    return id;
  }

  /** The handlers this worker offers. */
  public java.util.List<String> handlers() {
    return registry.names();
  }

  /**
   * Connects and runs until a STOP (returns {@link #EXIT_STOPPED}) or until the broker goes away
   * (returns {@link #EXIT_BROKER_LOST}).
   *
   * @throws dev.workq.client.WorkqException if the broker cannot be reached at start
   */
  public int run() {
    ClientOptions co = ClientOptions.builder()
        .host(options.client().host())
        .port(options.client().port())
        .connectTimeout(options.client().connectTimeout())
        .requestTimeout(options.client().requestTimeout())
        .name("worker-" + ProcessHandle.current().pid())
        .role(Role.WORKER)
        .handlers(registry.names())
        .build();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(options.concurrency(), options.concurrency(), 0, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), new io.netty.util.concurrent.DefaultThreadFactory("workq-task"));
    TaskRunner runner = new TaskRunner(registry, id);
    try (WorkqClient client = WorkqClient.connect(co)) {
      log.info("worker {} taking tasks from '{}' (concurrency {}, prefetch {}, handlers {})", id, options.queue(),
          options.concurrency(), options.prefetch(), registry.names());
      client.consume(options.queue(), options.prefetch(), new DeliveryListener() {
        @Override
        public void onDelivery(Delivery d) {
          if (d.isStop()) {
            log.info("worker {} took STOP: finishing {} held tasks", id, pool.getQueue().size() + pool.getActiveCount());
            drainThenExit(pool);
            return;
          }
          pool.execute(() -> {
            runner.run(d);
            completed.incrementAndGet();
          });
        }

        @Override
        public void onClose(String reason) {
          if (!exit.isDone()) {
            log.error("worker {} lost the broker: {}", id, reason);
            pool.shutdownNow();
            exit.complete(EXIT_BROKER_LOST);
          }
        }
      });
      int status = exit.join();
      log.info("worker {} exiting with status {} after {} tasks", id, status, completed.get());
      return status;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Tasks delivered before the STOP are already in the pool's queue: shutdown() lets them all run,
   * and their results are sent before the connection closes.
   */
  private void drainThenExit(ThreadPoolExecutor pool) {
    pool.shutdown();
    Thread waiter = new Thread(() -> {
      try {
        while (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
          log.debug("waiting for {} tasks", pool.getQueue().size() + pool.getActiveCount());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exit.complete(EXIT_STOPPED);
    }, "workq-stop");
    waiter.setDaemon(true);
    waiter.start();
  }

  /** Tasks finished so far. */
  public int completed() {
    return completed.get();
  }
}
