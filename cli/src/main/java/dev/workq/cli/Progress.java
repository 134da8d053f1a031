package dev.workq.cli;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long batch: a bar with rate and ETA on stderr when a person watches a terminal;
 * otherwise a plain log line at most every {@link #LINE_EVERY_NANOS}, so pipes and log files get
 * no control characters. Stdout stays data: lines for it go through {@link #println(String)},
 * which clears the bar's line first and redraws the bar below, so the two never share a line. The
 * bar redraws on a timer, so its clock runs while nothing completes.
 */
public final class Progress implements AutoCloseable {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Progress.class);
  static final long LINE_EVERY_NANOS = 5_000_000_000L;
  /** How often the bar redraws, whether or not anything completed. */
  static final int REDRAW_EVERY_MILLIS = 1000;

  private final ProgressBar bar;
  /** Where the bar draws, and the lock shared with stdout lines; null without a bar. */
  private final BarLine line;
  private final java.util.function.Consumer<String> lines;
  private final String unit;
  private final long total;
  private final long start = System.nanoTime();
  private long done;
  private long lastLine = System.nanoTime();

  private Progress(ProgressBar bar, String unit, long total) {
    this(bar, null, unit, total, line -> log.info(line));
  }

  private Progress(ProgressBar bar, BarLine line, String unit, long total) {
    this(bar, line, unit, total, l -> log.info(l));
  }

  Progress(ProgressBar bar, String unit, long total, java.util.function.Consumer<String> lines) {
    this(bar, null, unit, total, lines);
  }

  Progress(ProgressBar bar, BarLine line, String unit, long total, java.util.function.Consumer<String> lines) {
    this.bar = bar;
    this.line = line;
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
    BarLine line = new BarLine(System.err, System.out, new ConsoleProgressBarConsumer(System.err).getMaxRenderedLength());
    return new Progress(bar(unit, total, line, REDRAW_EVERY_MILLIS), line, unit, total);
  }

  static ProgressBar bar(String unit, long total, BarLine line, int redrawMillis) {
    // continuousUpdate: without it the bar redraws only when a step happened, and its elapsed
    // time and ETA freeze while a slow task runs.
    return new ProgressBarBuilder().setTaskName(unit).setInitialMax(total)
        .setStyle(ProgressBarStyle.ASCII).showSpeed().setUnit(" " + unit, 1)
        .setUpdateIntervalMillis(redrawMillis).continuousUpdate()
        .setConsumer(line).build();
  }

  /**
   * Prints one line of data on stdout. With a bar, the bar's line is cleared first and the bar
   * drawn again after it, under the lock the bar draws with, so stdout never lands on the bar's line.
   */
  public void println(String text) {
    if (line != null) {
      line.println(text);
    } else {
      System.out.println(text);
    }
  }

  /**
   * The bar's line on a terminal's stderr. Every draw and every stdout line take this object's
   * lock: the bar redraws from its own timer thread, and an unlocked redraw could land between
   * the clear and the stdout line.
   */
  static class BarLine implements me.tongfei.progressbar.ProgressBarConsumer {
    /** Carriage return, then erase to the end of the line (ANSI EL). */
    private static final String CLEAR = "\r\u001b[K";
    private final PrintStream err;
    private final PrintStream out;
    private final int width;
    private String last;

    BarLine(PrintStream err, PrintStream out, int width) {
      this.err = err;
      this.out = out;
      this.width = width;
    }

    @Override
    public int getMaxRenderedLength() {
      return width;
    }

    @Override
    public synchronized void accept(String rendered) {
      last = rendered;
      err.print(CLEAR + rendered);
      err.flush();
    }

    synchronized void println(String text) {
      if (last != null) {
        err.print(CLEAR);
        err.flush();
      }
      out.println(text);
      out.flush();
      if (last != null) {
        err.print(last);
        err.flush();
      }
    }

    @Override
    public synchronized void clear() {
      err.print(CLEAR);
      err.flush();
    }

    /** Ends the bar's line, so whatever is printed next starts on a line of its own. */
    @Override
    public synchronized void close() {
      if (last != null) {
        err.println();
        err.flush();
        last = null;
      }
    }
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
