package dev.workq.worker.internal;

import dev.workq.worker.api.PermanentFailure;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * How a caught failure is written into a result: the one-line {@code error} ("class: first line
 * of the message") and the {@code trace} member (docs/PROTOCOL.md §6), so a task's own result and
 * each input's outcome in a chunk say it the same way.
 */
final class Failures {

  /** The most lines a trace holds, frames and "Caused by" lines together. */
  static final int MAX_TRACE_LINES = 64;
  /** The longest trace line; longer ones are cut. */
  static final int MAX_TRACE_LINE = 300;

  /** The worker's classes that call a handler: their frames say how the task was called, not where it failed. */
  private static final List<Class<?>> RUNNERS = List.of(TaskRunner.class, MethodTask.class, ChunkTask.class);

  private Failures() {}

  /** {@code class: first line of the message}, or just the class when there is no message. */
  static String describe(Throwable t) {
    String m = t.getMessage();
    return t.getClass().getName() + (m == null ? "" : ": " + firstLine(m));
  }

  /**
   * {@code t}'s frames, then for each cause a {@code Caused by: class: first line} line and its
   * frames, at most {@link #MAX_TRACE_LINES} lines of at most {@link #MAX_TRACE_LINE} characters.
   * The frames {@code t} shares at the bottom with {@code catcher} (the stack of the code that
   * caught it: the worker's own threads) and the runner's and reflection's frames just above them
   * are left out, so the budget goes to the task's frames and causes rather than to the worker's
   * machinery, which is the same for every task; a cause leaves out the frames it shares with the
   * throwable it caused, as Java prints it.
   *
   * @return the lines, or null for the worker's own refusal of a task (a payload that does not fit,
   *     no such handler): its error says all there is
   */
  static List<String> trace(Throwable t, StackTraceElement[] catcher) {
    if (t instanceof BadPayloadException || t instanceof UnknownHandlerException) {
      // The worker's own refusal, before the task ran: its error says it all, its frames are the worker's.
      return null;
    }
    List<String> lines = new ArrayList<>();
    StackTraceElement[] frames = t.getStackTrace();
    int own = frames.length - common(frames, catcher);
    while (own > 1 && invoker(frames[own - 1])) {
      own--;
    }
    for (int i = 0; i < own && lines.size() < MAX_TRACE_LINES; i++) {
      lines.add(cut(frames[i].toString()));
    }
    // A cause chain can loop (initCause on an ancestor): each throwable once.
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    seen.add(t);
    StackTraceElement[] enclosing = frames;
    for (Throwable c = t.getCause(); c != null && seen.add(c) && lines.size() < MAX_TRACE_LINES; c = c.getCause()) {
      lines.add(cut("Caused by: " + describe(c)));
      // As Java prints a cause: without the frames it shares at the bottom with what it caused.
      StackTraceElement[] causeFrames = c.getStackTrace();
      int causeOwn = causeFrames.length - common(causeFrames, enclosing);
      for (int i = 0; i < causeOwn && lines.size() < MAX_TRACE_LINES; i++) {
        lines.add(cut(causeFrames[i].toString()));
      }
      enclosing = causeFrames;
    }
    return lines;
  }

  /**
   * Whether {@code f} is a frame of what called the task rather than of the task: the worker's
   * runner and the reflection that calls a task method. Left out at the bottom of a trace.
   */
  private static boolean invoker(StackTraceElement f) {
    String c = f.getClassName();
    for (Class<?> runner : RUNNERS) {
      if (c.equals(runner.getName()) || c.startsWith(runner.getName() + "$")) {
        return true;
      }
    }
    return c.startsWith("jdk.internal.reflect.") || c.startsWith("java.lang.invoke.") || c.equals("java.lang.reflect.Method");
  }

  /** How many frames at the bottom of {@code frames} equal those at the bottom of {@code catcher}. */
  private static int common(StackTraceElement[] frames, StackTraceElement[] catcher) {
    int n = 0;
    for (int i = frames.length - 1, j = catcher.length - 1; i >= 0 && j >= 0 && frames[i].equals(catcher[j]); i--, j--) {
      n++;
    }
    return n;
  }

  private static String cut(String line) {
    return line.length() <= MAX_TRACE_LINE ? line : line.substring(0, MAX_TRACE_LINE - 1) + "…";
  }

  /** Whether {@code t} or one of its causes is a {@link PermanentFailure}: retrying cannot help. */
  static boolean isPermanent(Throwable t) {
    for (int depth = 0; t != null && depth < 20; t = t.getCause(), depth++) {
      if (t instanceof PermanentFailure) {
        return true;
      }
    }
    return false;
  }

  static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    int cr = s.indexOf('\r');
    int end = nl < 0 ? cr : cr < 0 ? nl : Math.min(nl, cr);
    return end < 0 ? s : s.substring(0, end);
  }
}
