package dev.workq.pool;

/**
 * A program that starts a local pool and then fails in the way its argument says, run in a child
 * JVM by {@link PoolProcessesTest}: {@code throw} (an exception out of the try-with-resources),
 * {@code exit} (System.exit without closing), {@code wait} (until it is signalled). It prints
 * {@code pids <pid> <pid>} once the pool is up.
 */
public final class PoolProgram {

  private PoolProgram() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    WorkqPool pool = WorkqPool.local(2).start();
    try (pool) {
      System.out.println("pids " + String.join(" ", pool.workerPids().stream().map(String::valueOf).toList()));
      System.out.flush();
      // A call first, so the workers really are working for the program.
      pool.apply(PoolTasks::square, 3);
      switch (mode) {
        case "throw" -> throw new IllegalStateException("the program failed");
        case "exit" -> System.exit(3);
        case "wait" -> Thread.sleep(120_000);
        default -> throw new IllegalArgumentException("unknown mode " + mode);
      }
    }
  }
}
