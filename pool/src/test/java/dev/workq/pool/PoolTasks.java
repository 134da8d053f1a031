package dev.workq.pool;

import dev.workq.worker.api.Task;
import java.util.List;

/** The tasks the pool tests call: the pool's worker JVMs find them on the test classpath by their @Task mark. */
public final class PoolTasks {

  private PoolTasks() {}

  /** An exception type of this program, to see it rebuilt as itself in the caller. */
  public static final class PoolTestException extends RuntimeException {
    public PoolTestException(String message) {
      super(message);
    }
  }

  /** A pair of inputs, to see a record travel both ways. */
  public record Range(long from, long to) {}

  @Task("test.square")
  static int square(int x) {
    return x * x;
  }

  /** Sleeps {@code ms} then returns {@code i}: given longer sleeps for earlier inputs, later ones finish first. */
  @Task("test.sleepThen")
  static int sleepThen(int i, long ms) throws InterruptedException {
    Thread.sleep(ms);
    return i;
  }

  @Task("test.sleep")
  static long sleep(long ms) throws InterruptedException {
    Thread.sleep(ms);
    return ms;
  }

  /** The pid of the worker that ran it, to see where tasks went. */
  @Task("test.pid")
  static long pid(int ignored) {
    return ProcessHandle.current().pid();
  }

  @Task("test.add")
  static int add(int a, int b) {
    return a + b;
  }

  @Task("test.sum")
  static long sum(Range r) {
    long s = 0;
    for (long i = r.from(); i < r.to(); i++) {
      s += i;
    }
    return s;
  }

  @Task("test.split")
  static List<Range> split(Range r) {
    long mid = (r.from() + r.to()) / 2;
    return List.of(new Range(r.from(), mid), new Range(mid, r.to()));
  }

  @Task("test.illegalState")
  static int illegalState(String message) {
    throw new IllegalStateException(message);
  }

  @Task("test.custom")
  static int custom(String message) {
    throw new PoolTestException(message);
  }

  /** Fails on odd inputs, to see per-input failures inside a chunk. */
  @Task("test.evenOnly")
  static int evenOnly(int x) {
    if (x % 2 != 0) {
      throw new IllegalArgumentException("odd: " + x);
    }
    return x;
  }

  /** Not marked: calling it must be refused. */
  static int helper(int x) {
    return x;
  }

  /** Not marked either: registered by name on the builder instead. */
  static int triple(int x) {
    return 3 * x;
  }
}
