package dev.workq.worker;

import dev.workq.protocol.Printable;
import dev.workq.client.ClientOptions;
import dev.workq.client.Delivery;
import dev.workq.client.DeliveryListener;
import dev.workq.client.RemoteException;
import dev.workq.client.WorkqClient;
import dev.workq.client.WorkqException;
import dev.workq.client.spi.WorkerConnector;
import dev.workq.protocol.ItemKind;
import dev.workq.worker.internal.BrokerDialer;
import dev.workq.worker.internal.HandlerRegistry;
import dev.workq.worker.internal.LeaseKeeper;
import dev.workq.worker.internal.TaskRunner;
import dev.workq.client.Subscription;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
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
 * their results and returns 0. If the broker is not up yet at start, or goes away, it tries again
 * for up to the reconnect timeout ({@link BrokerDialer}); the tasks it held go back to the queue at
 * the broker.
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
  /** Set by {@link #stop()}: the current session stops gracefully, and no new one starts. */
  private volatile boolean stopRequested;
  private volatile Runnable stopCurrentSession;
  /** Set while {@link #run()} runs: {@link #stop()} ends its waits for the broker. */
  private volatile BrokerDialer dialer;

  public Worker(WorkerOptions options) {
    this.options = options;
    this.registry = HandlerRegistry.load(options.handlerJars(), options.allowExec());
    this.id = WorkerConnector.localHost() + ":" + ProcessHandle.current().pid();
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
   * Stops gracefully, as on SIGTERM: takes no more tasks, hands the ones not started back to the
   * broker at once, lets the running ones finish within the grace period and hands back any still
   * running after it; then {@link #run()} returns {@link #EXIT_STOPPED}. While the worker is
   * waiting for its broker (at start or after losing it) it ends the wait at once. Any thread;
   * returns at once.
   */
  public void stop() {
    stopRequested = true;
    BrokerDialer d = dialer;
    if (d != null) {
      d.stop();
    }
    Runnable s = stopCurrentSession;
    if (s != null) {
      s.run();
    }
  }

  /**
   * Connects and runs until a STOP or {@link #stop()} (returns {@link #EXIT_STOPPED}) or until the
   * broker has been out of reach for the reconnect timeout (returns {@link #EXIT_BROKER_LOST}). A
   * broker that is not up yet at start is waited for, within the same timeout; so is one that
   * drops the connection before the subscription is confirmed, which counts as losing it.
   *
   * @throws WorkqException if the broker refuses this worker at start in a way waiting cannot
   *     help (a wrong authkey, TLS, an unsupported version), or refuses its subscription
   */
  public int run() {
    // Everything about reaching the broker (address, timeouts, authkey, TLS) comes from the
    // client options; a worker only names itself and announces its handlers (BrokerDialer).
    ClientOptions co = options.client().toBuilder()
        .name("worker-" + ProcessHandle.current().pid())
        .build();
    BrokerDialer d = new BrokerDialer(co, registry.names(), options.reconnectTimeout(), id);
    dialer = d;
    if (stopRequested) {
      d.stop();
    }
    try {
      WorkqClient client = d.connectAtStart();
      // Where the reconnect window started: the last loss of an established session.
      long lostAt = System.nanoTime();
      while (client != null) {
        SessionEnd end = session(client);
        if (end == SessionEnd.STOPPED || stopRequested) {
          break;
        }
        if (end == SessionEnd.LOST) {
          lostAt = System.nanoTime();
          d.established();
        }
        // LOST_SUBSCRIBING keeps the earlier lostAt: a broker that welcomes and then drops the
        // worker every time is as good as none, and the window runs out.
        client = d.reconnect(lostAt);
      }
    } catch (BrokerDialer.GaveUpException e) {
      log.error(Printable.escape(e.getMessage()));
      return EXIT_BROKER_LOST;
    } finally {
      dialer = null;
    }
    log.info("worker {} exiting after a stop; {} tasks done", id, completed.get());
    return EXIT_STOPPED;
  }

  /** How one connection's life ended. */
  private enum SessionEnd {
    /** A STOP or {@link #stop()}: every held task finished or was handed back. */
    STOPPED,
    /** The connection was lost after the subscription was confirmed. */
    LOST,
    /** The connection was lost before the subscription was confirmed (CONSUME without CONSUME_OK). */
    LOST_SUBSCRIBING
  }

  /** One connection's life, from the subscription on. */
  private SessionEnd session(WorkqClient client) {
    CompletableFuture<Boolean> end = new CompletableFuture<>();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(options.concurrency(), options.concurrency(), 0, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), new io.netty.util.concurrent.DefaultThreadFactory("workq-task"));
    Set<Delivery> running = ConcurrentHashMap.newKeySet();
    TaskRunner runner = new TaskRunner(registry, id);
    try (client; LeaseKeeper leases = new LeaseKeeper(client)) {
      Subscription sub;
      try {
        sub = subscribe(client, pool, running, leases, runner, end);
      } catch (RemoteException e) {
        // The broker is there and says no (a consumer budget, a bad queue name): not a loss.
        throw e;
      } catch (WorkqException e) {
        log.warn("worker {} lost the broker while subscribing: {}", id, Printable.escape(e.getMessage()));
        return SessionEnd.LOST_SUBSCRIBING;
      }
      log.info("worker {} taking tasks from '{}' (concurrency {}, prefetch {}, handlers {})", id, options.queue(),
          options.concurrency(), options.prefetch(), registry.names());
      stopCurrentSession = () -> {
        log.info("worker {} stopping: handing back {} waiting tasks, finishing {} running within {} s", id,
            pool.getQueue().size(), pool.getActiveCount(), options.gracePeriod().toSeconds());
        sub.cancel();
        shutDown(pool, running, leases, true, end, null);
      };
      if (stopRequested) {
        stopCurrentSession.run();
      }
      boolean stopped = end.join();
      if (!stopped) {
        // Results of these tasks could not be delivered any more: the broker hands them to others.
        pool.shutdownNow();
        awaitQuietly(pool, 5);
      }
      return stopped ? SessionEnd.STOPPED : SessionEnd.LOST;
    } finally {
      stopCurrentSession = null;
      pool.shutdownNow();
    }
  }

  /** Subscribes to the queue; deliveries go to {@code pool}, a STOP or a loss completes {@code end}. */
  private Subscription subscribe(WorkqClient client, ThreadPoolExecutor pool, Set<Delivery> running, LeaseKeeper leases,
      TaskRunner runner, CompletableFuture<Boolean> end) {
    return client.consume(options.queue(), options.prefetch(), new DeliveryListener() {
      @Override
      public void onDelivery(Delivery d) {
        if (d.isStop()) {
          log.info("worker {} took STOP: finishing {} held tasks", id, pool.getQueue().size() + pool.getActiveCount());
          shutDown(pool, running, leases, false, end, d);
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
        try {
          pool.execute(new TaskRun(d, () -> {
            running.add(d);
            try {
              runner.run(d);
              completed.incrementAndGet();
            } finally {
              running.remove(d);
              leases.release(d);
            }
          }));
        } catch (RejectedExecutionException e) {
          // Stopping: the task goes back to the queue for another worker.
          leases.release(d);
          d.release();
        }
      }

      @Override
      public void onClose(String reason) {
        if (!end.isDone()) {
          log.warn("worker {} lost the broker: {}; tasks it held go back to the queue", id, Printable.escape(reason));
          end.complete(false);
        }
      }
    });
  }

  /** A queued task run that remembers its delivery, so a stop can hand it back unstarted. */
  private record TaskRun(Delivery delivery, Runnable body) implements Runnable {
    @Override
    public void run() {
      body.run();
    }
  }

  /**
   * Ends a session gracefully, on a thread of its own. After a STOP every task already held runs
   * (they were ahead of the sentinel); on {@link #stop()} the tasks not started go back to the
   * broker at once. Either way, what is still running after the grace period is handed back too,
   * and the connection closes after the last result is written.
   */
  private void shutDown(ThreadPoolExecutor pool, Set<Delivery> running, LeaseKeeper leases, boolean handBackWaiting,
      CompletableFuture<Boolean> end, Delivery stop) {
    Thread t = new Thread(() -> {
      if (handBackWaiting) {
        List<Runnable> waiting = new ArrayList<>();
        pool.getQueue().drainTo(waiting);
        for (Runnable r : waiting) {
          Delivery d = ((TaskRun) r).delivery();
          leases.release(d);
          d.release();
        }
      }
      pool.shutdown();
      long deadline = System.nanoTime() + options.gracePeriod().toNanos();
      while (!pool.isTerminated() && System.nanoTime() < deadline) {
        awaitQuietly(pool, 1);
      }
      if (!pool.isTerminated()) {
        log.warn("worker {}: {} tasks still running after the {} s grace period go back to the queue", id,
            running.size(), options.gracePeriod().toSeconds());
        for (Runnable r : pool.shutdownNow()) {
          ((TaskRun) r).delivery().release();
        }
        running.forEach(Delivery::release);
      }
      if (stop != null) {
        // The broker holds the STOP until it is acked: acted on now, so it is not handed to the next worker.
        stop.ack();
      }
      end.complete(true);
    }, "workq-stop");
    t.setDaemon(true);
    t.start();
  }

  private static boolean awaitQuietly(ThreadPoolExecutor pool, long seconds) {
    try {
      return pool.awaitTermination(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }
}
