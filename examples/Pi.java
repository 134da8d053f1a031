import dev.workq.pool.AsyncResult;
import dev.workq.pool.PoolIterator;
import dev.workq.pool.WorkqPool;
import dev.workq.worker.api.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Pi from a series, summed in chunks across worker processes: bin/workq run examples/Pi.java [processes] */
public class Pi {

  record Range(long from, long to) {}

  /** The terms k = from .. to-1 of 4 (-1)^k / (2k + 1), whose sum over every k is pi. */
  @Task("pi.partial")
  static double partial(Range r) {
    double sum = 0;
    for (long k = r.from(); k < r.to(); k++) {
      sum += (k % 2 == 0 ? 4.0 : -4.0) / (2 * k + 1);
    }
    return sum;
  }

  public static void main(String[] args) {
    int processes = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    long terms = 20_000_000;
    int chunks = 4 * processes;
    List<Range> ranges = new ArrayList<>();
    for (int i = 0; i < chunks; i++) {
      ranges.add(new Range(terms * i / chunks, terms * (i + 1) / chunks));
    }
    try (WorkqPool pool = WorkqPool.local(processes).start()) {
      // Pool.map: the partial sums, in the ranges' order.
      double pi = pool.map(Pi::partial, ranges).stream().mapToDouble(Double::doubleValue).sum();
      System.out.printf("map:         pi = %.12f (error %.1e) from %d chunks on %d processes%n", pi, Math.abs(pi - Math.PI), chunks, processes);

      // Pool.apply_async: one chunk, asked about while it runs.
      AsyncResult<Double> first = pool.applyAsync(Pi::partial, ranges.get(0));
      double value = first.get(Duration.ofMinutes(1));
      System.out.printf("apply_async: first chunk = %.12f, successful: %s%n", value, first.successful());

      // Pool.imap: each partial sum as soon as it, and every one before it, exists.
      double sum = 0;
      try (PoolIterator<Double> parts = pool.imap(Pi::partial, ranges)) {
        for (int done = 1; parts.hasNext(); done++) {
          sum += parts.next();
          if (done % processes == 0) {
            System.out.printf("imap:        %2d of %d chunks, pi so far %.12f%n", done, chunks, sum);
          }
        }
      }
    }
  }
}
