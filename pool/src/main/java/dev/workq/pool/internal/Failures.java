package dev.workq.pool.internal;

import dev.workq.client.WorkqException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** The failure a pool call throws, from what a future failed with. */
final class Failures {

  private Failures() {}

  /** {@code e} without the wrappers futures add, as an unchecked exception to throw. */
  static RuntimeException unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof RuntimeException r) {
      return r;
    }
    return new WorkqException(t.toString(), t);
  }
}
