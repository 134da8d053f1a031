package dev.workq.server.internal.core;

/**
 * The core's time and timers: monotonic nanos for leases, wall-clock millis for retry backoffs
 * (they are journaled, so they must mean the same after a restart), and delayed tasks that run on
 * the core thread. Behind an interface so the core's behaviour in time (leases, backoffs, fetch
 * timeouts) can be tested without sleeping: production uses {@link EventLoopCore}, tests a fake
 * clock that runs what is due as it is advanced.
 */
interface CoreClock {

  /** A scheduled task that has not run yet may be called off. */
  @FunctionalInterface
  interface Cancellable {
    /** The task will not run (if it has not yet); idempotent. */
    void cancel();
  }

  /** Monotonic nanoseconds, as {@link System#nanoTime()}: only differences mean anything. */
  long nanoTime();

  /** Wall-clock milliseconds, as {@link System#currentTimeMillis()}. */
  long wallMillis();

  /** Runs {@code task} on the core thread once {@code delayMs} have passed. */
  Cancellable schedule(Runnable task, long delayMs);

  /** Runs {@code task} on the core thread every {@code periodMs}, the first time after one period. */
  Cancellable scheduleAtFixedRate(Runnable task, long periodMs);
}
