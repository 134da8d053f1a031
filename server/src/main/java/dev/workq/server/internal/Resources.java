package dev.workq.server.internal;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a broker has started, in order, so it is stopped in the reverse order: each resource may
 * use those started before it, so those must outlive it. It owns only the list; each entry's
 * close does the work. Used on two paths: closing a running broker, and undoing a start that
 * failed half-way, where whatever was started is closed and the failure that stopped the start
 * is the one reported. Not thread-safe: the caller serializes {@link #add} and {@link #close}.
 */
public final class Resources implements AutoCloseable {

  /** One started resource's way to stop; it may throw, the rest are closed anyway. */
  @FunctionalInterface
  public interface Closer {
    void close() throws Exception;
  }

  private record Entry(String name, Closer closer) {}

  private final Deque<Entry> started = new ArrayDeque<>();

  /** Records {@code resource}, just started, to be closed before everything added earlier. */
  public <T extends AutoCloseable> T add(String name, T resource) {
    started.push(new Entry(name, resource::close));
    return resource;
  }

  /** Records how to stop something just started that is not itself {@link AutoCloseable}. */
  public void onClose(String name, Closer closer) {
    started.push(new Entry(name, closer));
  }

  /**
   * Closes everything added, last first, each once. Every close is attempted; the first failure
   * is thrown when all are done, later ones suppressed in it.
   *
   * @throws IllegalStateException naming the first resource that failed to close, its exception as the cause
   */
  @Override
  public void close() {
    RuntimeException first = null;
    while (!started.isEmpty()) {
      Entry e = started.pop();
      try {
        e.closer().close();
      } catch (Exception | Error failure) {
        if (first == null) {
          first = new IllegalStateException("cannot close " + e.name() + ": " + failure, failure);
        } else {
          first.addSuppressed(failure);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /**
   * Undoes a start that failed with {@code cause}: closes everything added, last first, adding
   * what fails to close to {@code cause} as suppressed, and returns {@code cause} for the caller
   * to throw, so the reason the start stopped is the one reported.
   */
  public <T extends Throwable> T closeAfter(T cause) {
    while (!started.isEmpty()) {
      Entry e = started.pop();
      try {
        e.closer().close();
      } catch (Exception | Error failure) {
        cause.addSuppressed(failure);
      }
    }
    return cause;
  }
}
