package dev.workq.pool;

import dev.workq.client.WorkqException;

/**
 * A pool call ran out of its time. For {@link AsyncResult#get(java.time.Duration)} and
 * {@link PoolIterator#next(java.time.Duration)} the task keeps running and can be waited for
 * again; a blocking {@code map}, {@code starmap} or {@code apply} that times out has cancelled its
 * unfinished tasks.
 */
public class PoolTimeoutException extends WorkqException {

  public PoolTimeoutException(String message) {
    super(message);
  }
}
