package dev.workq.cli.commands;

import dev.workq.cli.CliFailure;
import dev.workq.cli.Logging;
import dev.workq.pool.PoolIterator;
import dev.workq.pool.TaskFailedException;
import dev.workq.pool.WorkqPool;
import dev.workq.worker.api.Task;
import dev.workq.worker.handlers.PiHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code workq demo}: the whole pattern on one machine, through a local pool. Starts an embedded
 * broker and worker processes, computes a batch of pi tasks across them (each result says which
 * process computed it), then closes the pool: a STOP sentinel per worker, and every process joined.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start a broker and worker processes here, compute pi tasks across them, stop everything.")
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--workers", paramLabel = "N", defaultValue = "3", description = "Worker processes (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--tasks", paramLabel = "N", defaultValue = "12", description = "pi tasks (default: ${DEFAULT-VALUE}).")
  int tasks;

  @Option(names = "--digits", paramLabel = "N", defaultValue = "2000", description = "Digits of pi per task; each task asks for a few more (default: ${DEFAULT-VALUE}).")
  int digits;

  /** What one demo task returns: the digits, and the worker process that computed them and how long it took. */
  public record Digits(int digits, String pi, long pid, long ms) {}

  /** The demo's task, run in the pool's worker processes. */
  @Task("demo.pi")
  public static Digits pi(int digits) {
    long start = System.nanoTime();
    String pi = PiHandler.pi(digits);
    return new Digits(digits, pi, ProcessHandle.current().pid(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }

  @Override
  public Integer call() {
    Logging.command();
    if (workers < 1 || workers > 64 || tasks < 1 || digits < 1 || digits + tasks > 50_000) {
      throw new CliFailure("--workers must be 1..64, --tasks at least 1, --digits 1..50000 (with --tasks added)", dev.workq.cli.Workq.EXIT_USAGE);
    }
    List<Integer> inputs = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      inputs.add(digits + i);
    }
    int failed = 0;
    try (WorkqPool pool = WorkqPool.local(workers).start()) {
      System.out.println("broker listening on " + pool.brokerAddress() + " (pid " + ProcessHandle.current().pid() + ")");
      System.out.println(workers + " worker processes connected: pids " + pool.workerPids());
      long start = System.nanoTime();
      Map<Long, Integer> perWorker = new TreeMap<>();
      try (PoolIterator<Digits> results = pool.imapUnordered(DemoCommand::pi, inputs)) {
        while (results.hasNext()) {
          try {
            Digits r = results.next();
            perWorker.merge(r.pid(), 1, Integer::sum);
            System.out.printf("pi to %5d digits = %s…%s  worker pid %d  %d ms%n", r.digits(),
                r.pi().substring(0, 12), r.pi().substring(r.pi().length() - 6), r.pid(), r.ms());
          } catch (TaskFailedException e) {
            failed++;
            System.out.println(e.getMessage());
          }
        }
      }
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      System.out.println(tasks + " tasks in " + ms + " ms; tasks per worker pid: " + perWorker);
      System.out.println("closing the pool: a STOP sentinel for each of the " + workers + " workers");
    }
    System.out.println("every worker process has exited; broker shut down");
    if (failed > 0) {
      throw new CliFailure(failed + " tasks failed");
    }
    return 0;
  }
}
