package dev.workq.server.internal.core;

/**
 * The one thread that owns the broker's state: it runs the tasks handed to it one at a time, in
 * the order they came. Behind an interface so tests can run the core synchronously, on the test's
 * own thread; production uses {@link EventLoopCore}.
 */
interface CoreThread {

  /**
   * Runs {@code task} on the core thread after everything handed in before it. Any thread. Once
   * the core has stopped on an Error (see {@link FatalGuard}) tasks are skipped.
   */
  void execute(Runnable task);

  /**
   * Like {@link #execute}, but runs {@code task} also after the core stopped on an Error: for a
   * health check, which must then answer "stopped" rather than nothing.
   *
   * @throws java.util.concurrent.RejectedExecutionException once the thread has shut down
   */
  void executeUnguarded(Runnable task);

  /** Whether the caller is the core thread. */
  boolean inThread();

  /** Stops the thread after what it is running; waits (a bounded time) for that. */
  void shutdown();
}
