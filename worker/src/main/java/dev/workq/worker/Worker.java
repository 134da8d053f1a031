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
import dev.workq.worker.internal.RunningTasks;
import dev.workq.worker.internal.TaskRunner;
import dev.workq.worker.internal.WorkItem;
import dev.workq.client.Subscription;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker process's runtime: the loop {@code for task in iter(task_queue.get, 'STOP')} over the
 * network. It connects as a worker, announces its handlers, takes up to {@code prefetch} tasks at a
 * time from its queue, runs them on {@code concurrency} threads, renews their leases while they
 * run and sends each result. When it takes a STOP sentinel it finishes every task it holds, sends
 * their results, acks the STOP and returns 0. A task cancelled while it runs is stopped
 * ({@link RunningTasks}) and nothing is sent for it. If the broker is not up yet at start, or goes away, it tries again
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
    this.registry = HandlerRegistry.load(options);
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
    // Failover off: a worker's session ends with its connection (the tasks it held go back to the
    // queue, their results are dropped) and BrokerDialer dials the broker list for the next one.
    ClientOptions co = options.client().toBuilder()
        .name("worker-" + ProcessHandle.current().pid())
        .failover(false)
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
    // Cancels (interrupts, handlers' onCancel actions) and abandon timers: off the I/O thread.
    ScheduledExecutorService cancels = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("workq-cancel", true));
    try (client; LeaseKeeper leases = new LeaseKeeper(client)) {
      RunningTasks tasks = new RunningTasks(options.concurrency(), new TaskRunner(registry, id), leases,
          options.cancelGrace(), cancels, (delay, action) -> cancels.schedule(action, delay.toMillis(), TimeUnit.MILLISECONDS),
          completed::incrementAndGet, id);
      try {
        Subscription sub;
        try {
          sub = subscribe(client, tasks, end);
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
              tasks.waiting(), tasks.held() - tasks.waiting(), options.gracePeriod().toSeconds());
          sub.cancel();
          shutDown(tasks, true, null, end);
        };
        if (stopRequested) {
          stopCurrentSession.run();
        }
        boolean stopped = end.join();
        if (!stopped) {
          // Results of these tasks could not be delivered any more: the broker hands them to others.
          tasks.shutdownNow();
          awaitIdle(tasks, Duration.ofSeconds(5));
        }
        return stopped ? SessionEnd.STOPPED : SessionEnd.LOST;
      } finally {
        stopCurrentSession = null;
        tasks.shutdownNow();
      }
    } finally {
      cancels.shutdownNow();
    }
  }

  /** Subscribes to the queue; tasks go to {@code tasks}, a STOP or a loss completes {@code end}. */
  private Subscription subscribe(WorkqClient client, RunningTasks tasks, CompletableFuture<Boolean> end) {
    return client.consume(options.queue(), options.prefetch(), new DeliveryListener() {
      @Override
      public void onDelivery(Delivery d) {
        if (d.isStop()) {
          log.info("worker {} took STOP: finishing {} held tasks", id, tasks.held());
          shutDown(tasks, false, d, end);
          return;
        }
        if (d.kind() != ItemKind.TASK) {
          // Not ours to run, and releasing it would bring it straight back: the broker keeps
          // it in the queue's dead letters, where someone can look at it.
          log.warn("worker {} got a {} item on '{}'; sending it to the dead letters", id, d.kind(), d.queue());
          d.fail("not a task: a " + d.kind() + " item on a worker's queue", true, new byte[0]);
          return;
        }
        try {
          tasks.submit(WorkItem.of(d));
        } catch (RejectedExecutionException e) {
          // Stopping: the task goes back to the queue for another worker.
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

  /**
   * Ends a session gracefully, on a thread of its own. After a STOP every task already held runs
   * (they were ahead of the sentinel); on {@link #stop()} the tasks not started go back to the
   * broker at once. Either way, what is still running after the grace period is handed back too
   * (a cancelled handler abandoned after its cancel grace is not waited for). Then the STOP, if it
   * was one, is acked: the broker holds it until then and gives it back to the queue if this
   * worker goes away first. The connection closes after the last result and the ack are written.
   */
  private void shutDown(RunningTasks tasks, boolean handBackWaiting, Delivery stop, CompletableFuture<Boolean> end) {
    Thread t = new Thread(() -> {
      if (handBackWaiting) {
        tasks.drainWaiting().forEach(WorkItem::release);
      }
      tasks.shutdown();
      if (!awaitIdle(tasks, options.gracePeriod())) {
        List<WorkItem> left = tasks.shutdownNow();
        log.warn("worker {}: {} tasks still running after the {} s grace period go back to the queue", id, left.size(),
            options.gracePeriod().toSeconds());
        left.forEach(WorkItem::release);
      }
      if (stop != null) {
        stop.ack();
      }
      end.complete(true);
    }, "workq-stop");
    t.setDaemon(true);
    t.start();
  }

  private static boolean awaitIdle(RunningTasks tasks, Duration timeout) {
    try {
      return tasks.awaitIdle(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
