package dev.workq.cli.commands;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long command: a bar with rate and ETA on stderr when a person watches a terminal,
 * nothing otherwise (stdout stays data either way, and logs or pipes get no control characters).
 */
final class Progress implements AutoCloseable {

  private final ProgressBar bar;

  private Progress(ProgressBar bar) {
    this.bar = bar;
  }

  static Progress start(String unit, long total) {
    if (System.console() == null || total < 2) {
      return new Progress(null);
    }
    PrintStream err = System.err;
    ProgressBar bar = new ProgressBarBuilder().setTaskName(unit).setInitialMax(total)
        .setStyle(ProgressBarStyle.ASCII).showSpeed().setUnit(" " + unit, 1)
        .setConsumer(new ConsoleProgressBarConsumer(err)).build();
    return new Progress(bar);
  }

  void step() {
    if (bar != null) {
      bar.step();
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
