package dev.workq.worker.internal;

import dev.workq.protocol.Printable;
import dev.workq.client.ClientOptions;
import dev.workq.client.ConnectionClosedException;
import dev.workq.client.RemoteException;
import dev.workq.client.WorkqClient;
import dev.workq.client.WorkqException;
import dev.workq.client.spi.WorkerConnector;
import dev.workq.protocol.ErrorCode;
import java.io.IOException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets a worker a connection to its broker, trying again with backoff until a deadline: at start
 * (a worker started before its broker waits for it) and after losing the broker. Each attempt is
 * the client's dial, which with a list of brokers (a cluster) tries each in turn and follows a
 * follower's redirect to the leader, so this class only paces attempts. It owns the
 * backoff and the one thread that is dialing, so {@link #stop()} can end a wait at once, whether
 * the thread is sleeping between attempts or inside one (every blocking step of a connect
 * attempt gives way to an interrupt).
 */
public final class BrokerDialer {

  /** First pause between attempts; it doubles after each failure up to {@link #MAX_BACKOFF_MS}. */
  static final long INITIAL_BACKOFF_MS = 100;
  static final long MAX_BACKOFF_MS = 5000;
  /** An attempt may run past the deadline at most this much, however long the connect timeout. */
  private static final long MIN_ATTEMPT_MS = 500;

  /**
   * Refusals that say "busy now", not "you may not": a broker at its connection or memory cap, or
   * shutting down (a restart), or one that timed out our handshake under load; or a cluster
   * node that is not the leader (during an election none is known).
   */
  private static final Set<ErrorCode> TRANSIENT_REFUSALS =
      Set.of(ErrorCode.CONNECTION_LIMIT, ErrorCode.SHUTTING_DOWN, ErrorCode.TIMEOUT, ErrorCode.MEMORY_LIMIT, ErrorCode.NOT_LEADER);

  private static final Logger log = LoggerFactory.getLogger(BrokerDialer.class);

  private final ClientOptions options;
  private final List<String> handlers;
  private final Duration window;
  private final String workerId;
  private final Object lock = new Object();
  /** The thread inside {@link #dial}, or null; guarded by {@link #lock}. */
  private Thread dialing;
  /** Set once by {@link #stop()}; guarded by {@link #lock}. */
  private boolean stopped;
  private long backoffMs = INITIAL_BACKOFF_MS;

  /** The broker stayed out of reach for the whole window; the message is one line. */
  public static final class GaveUpException extends RuntimeException {
    GaveUpException(String message) {
      super(message, null, false, false);
    }
  }

  /** Dials as the worker {@code options.name()}, offering {@code handlers}. */
  public BrokerDialer(ClientOptions options, List<String> handlers, Duration window, String workerId) {
    this.options = options;
    this.handlers = List.copyOf(handlers);
    this.window = window;
    this.workerId = workerId;
  }

  /**
   * Where this dialer connects, {@code HOST:PORT}, or the list {@code H1:P1,H2:P2,...}: the
   * client's dialer goes around it and follows a follower's NOT_LEADER to the leader.
   */
  public String address() {
    return String.join(",", options.brokers());
  }

  /**
   * Ends any wait at once and makes every later {@link #dial} return null. Any thread.
   */
  public void stop() {
    synchronized (lock) {
      stopped = true;
      if (dialing != null) {
        dialing.interrupt();
      }
    }
  }

  /** The first connection: waits for a broker that is not up yet, logging that once. */
  public WorkqClient connectAtStart() {
    return dial(System.nanoTime(), true);
  }

  /** A connection again after losing the broker at {@code lostAtNanos} ({@link System#nanoTime()}). */
  public WorkqClient reconnect(long lostAtNanos) {
    return dial(lostAtNanos, false);
  }

  /**
   * A session was established (its subscription confirmed): the next loss starts again from short
   * pauses. A connection that drops before that keeps the backoff it had, so a broker that
   * welcomes and then drops every worker is not hammered.
   */
  public void established() {
    backoffMs = INITIAL_BACKOFF_MS;
  }

  /**
   * Connects, trying again until {@code window} has passed since {@code sinceNanos}.
   *
   * @return the client, or null if {@link #stop()} was called
   * @throws GaveUpException when the window has passed
   * @throws WorkqException at start, when the broker refuses us for good (authkey, TLS, version):
   *     waiting would not help
   */
  private WorkqClient dial(long sinceNanos, boolean atStart) {
    boolean waitLogged = false;
    String lastFailure = null;
    while (true) {
      long leftMs = window.toMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
      WorkqClient client = null;
      WorkqException failure = null;
      if (!enter()) {
        return null;
      }
      try {
        // At start the first attempt goes out at once; after a loss, the pause comes first.
        if (!atStart || lastFailure != null) {
          if (leftMs <= 0) {
            throw new GaveUpException("worker " + workerId + " giving up: broker at " + address() + " unreachable for "
                + window.toSeconds() + " s (" + (lastFailure == null ? "lost" : lastFailure) + ")");
          }
          Thread.sleep(Math.min(backoffMs, leftMs));
          backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
          leftMs = window.toMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
        }
        client = WorkerConnector.connect(attemptOptions(leftMs), handlers);
      } catch (InterruptedException e) {
        // stop(): leave() below returns null.
      } catch (WorkqException e) {
        failure = e;
      } finally {
        if (!leave()) {
          if (client != null) {
            client.close();
          }
          return null;
        }
      }
      if (client != null) {
        if (waitLogged) {
          log.info("worker {} reached the broker at {}", workerId, address());
        } else if (!atStart) {
          log.info("worker {} reconnected to {}", workerId, address());
        }
        return client;
      }
      if (failure == null) {
        continue;
      }
      if (atStart && !isTransient(failure)) {
        throw failure;
      }
      lastFailure = shortReason(failure);
      if (atStart && !waitLogged) {
        // Once: a worker started before its broker (compose, Kubernetes) is normal, not an error.
        log.info("worker {} waiting for the broker at {} ({}); retrying for up to {} s", workerId, address(), Printable.escape(lastFailure),
            window.toSeconds());
        waitLogged = true;
      } else {
        log.debug("connecting to {} failed: {}", address(), Printable.escape(failure.getMessage()));
      }
    }
  }

  /** Marks this thread as dialing; false if stopped. */
  private boolean enter() {
    synchronized (lock) {
      if (stopped) {
        return false;
      }
      dialing = Thread.currentThread();
      return true;
    }
  }

  /**
   * Marks this thread as no longer dialing and clears an interrupt {@link #stop()} may have sent,
   * so it cannot leak into the session that follows; false if stopped.
   */
  private boolean leave() {
    synchronized (lock) {
      dialing = null;
      Thread.interrupted();
      return !stopped;
    }
  }

  /** An attempt's connect timeout ends near the deadline rather than long after it. */
  private ClientOptions attemptOptions(long leftMs) {
    long capMs = Math.max(MIN_ATTEMPT_MS, leftMs);
    if (options.connectTimeout().toMillis() <= capMs) {
      return options;
    }
    return options.toBuilder().connectTimeout(Duration.ofMillis(capMs)).build();
  }

  /**
   * Whether waiting could help: nothing listening yet, no route or name yet (a Kubernetes service
   * whose broker is starting), a dropped or unanswered handshake, a busy broker. A TLS failure, a
   * wrong authkey or another refusal would fail the same way every time.
   */
  static boolean isTransient(WorkqException e) {
    if (e.getCause() == null) {
      return true; // a connect or handshake that timed out
    }
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof RemoteException r) {
        return TRANSIENT_REFUSALS.contains(r.code());
      }
      if (t instanceof SSLException) {
        return false;
      }
      if (t instanceof ConnectionClosedException || t instanceof UnknownHostException || t instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  /** "connection refused" rather than "cannot reach broker at HOST:PORT: connection refused". */
  private String shortReason(WorkqException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    String prefix = "cannot reach broker at " + address() + ": ";
    return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
  }
}
