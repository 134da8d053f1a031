package dev.workq.worker;

import dev.workq.client.ClientOptions;
import dev.workq.client.Delivery;
import dev.workq.client.DeliveryListener;
import dev.workq.client.WorkqClient;
import dev.workq.client.WorkqException;
import dev.workq.client.internal.Connection;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Role;
import dev.workq.worker.internal.HandlerRegistry;
import dev.workq.worker.internal.LeaseKeeper;
import dev.workq.worker.internal.TaskRunner;
import java.util.List;
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
 * time from its queue, runs them on {@code concurrency} threads, renews their leases while they
 * run and sends each result. When it takes a STOP sentinel it finishes every task it holds, sends
 * their results and returns 0. If the broker goes away it reconnects, for up to the reconnect
 * timeout; the tasks it held go back to the queue at the broker.
 */
public final class Worker {

  /** Exit status after a STOP: every held task finished. */
  public static final int EXIT_STOPPED = 0;
  /** Exit status after losing the broker for longer than the reconnect timeout. */
  public static final int EXIT_BROKER_LOST = 3;

  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  private final WorkerOptions options;
  private final HandlerRegistry registry;
  private final String id;
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
  public List<String> handlers() {
    return registry.names();
  }

  /** Tasks finished so far. */
  public int completed() {
    return completed.get();
  }

  /**
   * Connects and runs until a STOP (returns {@link #EXIT_STOPPED}) or until the broker has been
   * unreachable for the reconnect timeout (returns {@link #EXIT_BROKER_LOST}).
   *
   * @throws WorkqException if the broker cannot be reached at start
   */
  public int run() {
    // Everything about reaching the broker (address, timeouts, authkey, TLS) comes from the
    // client options; a worker only names itself and announces its handlers.
    ClientOptions co = options.client().toBuilder()
        .name("worker-" + ProcessHandle.current().pid())
        .role(Role.WORKER)
        .handlers(registry.names())
        .build();
    WorkqClient client = WorkqClient.connect(co);
    long backoffMs = 100;
    while (true) {
      if (session(client)) {
        log.info("worker {} exiting after STOP; {} tasks done", id, completed.get());
        return EXIT_STOPPED;
      }
      long lostAt = System.nanoTime();
      client = null;
      while (client == null) {
        long lostForMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lostAt);
        if (lostForMs >= options.reconnectTimeout().toMillis()) {
          log.error("worker {} giving up: broker at {}:{} unreachable for {} ms", id, co.host(), co.port(), lostForMs);
          return EXIT_BROKER_LOST;
        }
        sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 5000);
        try {
          client = WorkqClient.connect(co);
          backoffMs = 100;
          log.info("worker {} reconnected to {}:{}", id, co.host(), co.port());
        } catch (WorkqException e) {
          log.debug("reconnect failed: {}", e.getMessage());
        }
      }
    }
  }

  /** One connection's life. True if it ended with a STOP, false if the connection was lost. */
  private boolean session(WorkqClient client) {
    CompletableFuture<Boolean> end = new CompletableFuture<>();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(options.concurrency(), options.concurrency(), 0, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), new io.netty.util.concurrent.DefaultThreadFactory("workq-task"));
    TaskRunner runner = new TaskRunner(registry, id);
    try (client; LeaseKeeper leases = new LeaseKeeper(client)) {
      log.info("worker {} taking tasks from '{}' (concurrency {}, prefetch {}, handlers {})", id, options.queue(),
          options.concurrency(), options.prefetch(), registry.names());
      client.consume(options.queue(), options.prefetch(), new DeliveryListener() {
        @Override
        public void onDelivery(Delivery d) {
          if (d.isStop()) {
            log.info("worker {} took STOP: finishing {} held tasks", id, pool.getQueue().size() + pool.getActiveCount());
            drainThen(pool, end);
            return;
          }
          if (d.kind() != ItemKind.TASK) {
            // Not ours to run, and releasing it would bring it straight back: the broker keeps
            // it in the queue's dead letters, where someone can look at it.
            log.warn("worker {} got a {} item on '{}'; sending it to the dead letters", id, d.kind(), d.queue());
            d.fail("not a task: a " + d.kind() + " item on a worker's queue", true, new byte[0]);
            return;
          }
          leases.hold(d);
          pool.execute(() -> {
            try {
              runner.run(d);
              completed.incrementAndGet();
            } finally {
              leases.release(d);
            }
          });
        }

        @Override
        public void onClose(String reason) {
          if (!end.isDone()) {
            log.warn("worker {} lost the broker: {}; tasks it held go back to the queue", id, reason);
            end.complete(false);
          }
        }
      });
      boolean stopped = end.join();
      if (!stopped) {
        // Results of these tasks could not be delivered any more: the broker hands them to others.
        pool.shutdownNow();
        awaitQuietly(pool, 5);
      }
      return stopped;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Tasks delivered before the STOP are already in the pool's queue: shutdown() lets them all run,
   * and their results are sent before the connection closes.
   */
  private static void drainThen(ThreadPoolExecutor pool, CompletableFuture<Boolean> end) {
    pool.shutdown();
    Thread waiter = new Thread(() -> {
      while (!awaitQuietly(pool, 1)) {
        log.debug("waiting for {} tasks", pool.getQueue().size() + pool.getActiveCount());
      }
      end.complete(true);
    }, "workq-stop");
    waiter.setDaemon(true);
    waiter.start();
  }

  private static boolean awaitQuietly(ThreadPoolExecutor pool, long seconds) {
    try {
      return pool.awaitTermination(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
