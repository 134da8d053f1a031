package dev.workq.pool.internal;

import dev.workq.pool.RemoteTaskException;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;

/**
 * Rebuilds the exception a task threw on its worker from its result record: the {@code error}
 * line ({@code "<class>: <first message line>"}) and the {@code trace} lines (frames as
 * {@link StackTraceElement#toString()}, then {@code "Caused by: <class>: <message>"} and its
 * frames for each cause). The exception is made as its own type when this program can load it.
 */
public final class RemoteErrors {

  private static final String CAUSED_BY = "Caused by: ";

  private RemoteErrors() {}

  /** The class name in an error line. */
  public static String type(String error) {
    int colon = error.indexOf(": ");
    return (colon < 0 ? error : error.substring(0, colon)).trim();
  }

  /** The message in an error line; null for none. */
  public static String message(String error) {
    int colon = error.indexOf(": ");
    return colon < 0 ? null : error.substring(colon + 2);
  }

  /** The remote exception with its causes, each rebuilt as its own type if it can be, with the remote frames. */
  public static Throwable rebuild(String error, List<String> trace, ClassLoader loader) {
    List<String> heads = new ArrayList<>();
    List<List<StackTraceElement>> frames = new ArrayList<>();
    heads.add(error);
    frames.add(new ArrayList<>());
    for (String line : trace == null ? List.<String>of() : trace) {
      if (line.startsWith(CAUSED_BY)) {
        heads.add(line.substring(CAUSED_BY.length()));
        frames.add(new ArrayList<>());
      } else {
        StackTraceElement frame = frame(line);
        if (frame != null) {
          frames.get(frames.size() - 1).add(frame);
        }
      }
    }
    Throwable cause = null;
    for (int i = heads.size() - 1; i >= 0; i--) {
      Throwable t = make(type(heads.get(i)), message(heads.get(i)), loader);
      t.setStackTrace(frames.get(i).toArray(StackTraceElement[]::new));
      if (cause != null) {
        try {
          t.initCause(cause);
        } catch (IllegalStateException e) {
          // The type sets its own cause in its constructor; the remote chain stops here.
        }
      }
      cause = t;
    }
    return cause;
  }

  /** An exception of {@code type} with {@code message}, or a {@link RemoteTaskException} if that type cannot be made here. */
  private static Throwable make(String type, String message, ClassLoader loader) {
    try {
      Class<?> c = Class.forName(type, false, loader);
      if (Throwable.class.isAssignableFrom(c)) {
        try {
          Constructor<?> withMessage = c.getConstructor(String.class);
          return (Throwable) withMessage.newInstance(message);
        } catch (NoSuchMethodException e) {
          if (message == null) {
            return (Throwable) c.getConstructor().newInstance();
          }
        }
      }
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      // Not loadable or not constructible here: carried by name instead.
    }
    return new RemoteTaskException(type, message);
  }

  /** A frame from its {@link StackTraceElement#toString()} form, or null if the line is not one. */
  static StackTraceElement frame(String line) {
    int open = line.lastIndexOf('(');
    int close = line.lastIndexOf(')');
    if (open < 0 || close < open) {
      return null;
    }
    String where = line.substring(0, open);
    // "loader/module@version/" prefixes: the class and method are after the last slash.
    where = where.substring(where.lastIndexOf('/') + 1);
    int dot = where.lastIndexOf('.');
    if (dot <= 0) {
      return null;
    }
    String source = line.substring(open + 1, close);
    String file = null;
    int lineNumber = -1;
    if (source.equals("Native Method")) {
      lineNumber = -2;
    } else if (!source.equals("Unknown Source")) {
      int colon = source.lastIndexOf(':');
      file = colon < 0 ? source : source.substring(0, colon);
      if (colon >= 0) {
        try {
          lineNumber = Integer.parseInt(source.substring(colon + 1));
        } catch (NumberFormatException e) {
          lineNumber = -1;
        }
      }
    }
    return new StackTraceElement(where.substring(0, dot), where.substring(dot + 1), file, lineNumber);
  }
}
