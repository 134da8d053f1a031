package dev.workq.bench.workload;

/**
 * How far a row's repeats spread: the lowest and highest tasks/s and p99 over its runs. A row of
 * one run spreads from its own figures to themselves.
 *
 * @param runs    measured runs the row summarises
 * @param rateMin lowest tasks/s of a run
 * @param rateMax highest tasks/s of a run
 * @param p99Min  lowest p99 of a run, microseconds
 * @param p99Max  highest p99 of a run, microseconds
 */
public record Spread(int runs, double rateMin, double rateMax, double p99Min, double p99Max) {

  /** The spread of a single run. */
  public static Spread of(double rate, double p99) {
    return new Spread(1, rate, rate, p99, p99);
  }
}
