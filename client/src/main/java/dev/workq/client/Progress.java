package dev.workq.client;

import dev.workq.client.internal.Logging;
import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long batch: a bar with rate and ETA on stderr when a person watches a terminal;
 * otherwise a plain log line at most every {@link #LINE_EVERY_NANOS}, so pipes and log files get
 * no control characters. Stdout is never touched: it stays data.
 */
public final class Progress implements AutoCloseable {

  private static final org.slf4j.Logger log = Logging.logger(Progress.class);
  static final long LINE_EVERY_NANOS = 5_000_000_000L;

  private final ProgressBar bar;
  private final java.util.function.Consumer<String> lines;
  private final String unit;
  private final long total;
  private final long start = System.nanoTime();
  private long done;
  private long lastLine = System.nanoTime();

  private Progress(ProgressBar bar, String unit, long total) {
    this(bar, unit, total, line -> log.info(line));
  }

  Progress(ProgressBar bar, String unit, long total, java.util.function.Consumer<String> lines) {
    this.bar = bar;
    this.lines = lines;
    this.unit = unit;
    this.total = total;
  }

  /** Reports progress toward {@code total}; {@code enabled} false reports nothing. */
  public static Progress start(String unit, long total, boolean enabled) {
    if (!enabled || total < 2) {
      return new Progress(null, unit, 0);
    }
    if (System.console() == null) {
      return new Progress(null, unit, total);
    }
    PrintStream err = System.err;
    ProgressBar bar = new ProgressBarBuilder().setTaskName(unit).setInitialMax(total)
        .setStyle(ProgressBarStyle.ASCII).showSpeed().setUnit(" " + unit, 1)
        .setConsumer(new ConsoleProgressBarConsumer(err)).build();
    return new Progress(bar, unit, total);
  }

  /** One more done. */
  public synchronized void step() {
    done++;
    if (bar != null) {
      bar.step();
    } else if (total > 0 && (System.nanoTime() - lastLine >= LINE_EVERY_NANOS || done == total)) {
      lastLine = System.nanoTime();
      double seconds = Math.max(1e-3, (lastLine - start) / 1e9);
      lines.accept(done + "/" + total + " " + unit + " done (" + String.format("%.1f", done / seconds) + " per second)");
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
