package dev.workq.pool;

import java.time.Duration;
import java.util.Iterator;

/**
 * Results of {@link WorkqPool#imap} (in input order) or {@link WorkqPool#imapUnordered} (in
 * completion order), as they arrive. Inputs are read and submitted on a background thread only as
 * the pool's {@code maxInFlight} window allows, so an endless input stream is fine. A result that
 * failed is thrown by {@link #next()} as {@link TaskFailedException}; the iteration can go on
 * past it. Close it to cancel the tasks whose results it has not returned. One consumer thread.
 */
public interface PoolIterator<O> extends Iterator<O>, AutoCloseable {

  /** Waits for the next result; see {@link #next(Duration)}. */
  @Override
  O next();

  /**
   * Waits up to {@code timeout} for the next result; {@link PoolTimeoutException} if it has not
   * arrived by then (the task keeps running and the next call waits for the same result).
   */
  O next(Duration timeout);

  /** Stops submitting and cancels every task whose result has not been returned. Idempotent. */
  @Override
  void close();
}
