package dev.workq.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations on the command line: a number with a unit, {@code 250ms}, {@code 30s}, {@code 1.5m},
 * {@code 2h}. {@link Delay} (for {@code --delay} and the broker's {@code --result-retention})
 * requires the unit, except for a bare {@code 0}, which needs none; {@link Seconds} (for
 * {@code --timeout}) also takes a bare number of seconds, as {@code results --timeout 30} always has.
 */
public final class Durations {

  private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

  private Durations() {}

  /**
   * {@code text} as a duration; a bare number is seconds when {@code bareSeconds}, else refused.
   *
   * @throws IllegalArgumentException naming the accepted forms
   */
  public static Duration parse(String text, boolean bareSeconds) {
    Matcher m = FORM.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration: use a number and a unit, ms, s, m or h (e.g. 30s, 2m)"
          + (bareSeconds ? ", or a number of seconds" : ""));
    }
    String unit = m.group(2);
    if (unit == null && !bareSeconds && Double.parseDouble(m.group(1)) != 0) {
      throw new IllegalArgumentException("'" + text + "' needs a unit: ms, s, m or h (e.g. " + text + "s)");
    }
    double n = Double.parseDouble(m.group(1));
    double ms = n * switch (unit == null ? "s" : unit) {
      case "ms" -> 1;
      case "s" -> 1_000;
      case "m" -> 60_000;
      default -> 3_600_000;
    };
    if (ms > Long.MAX_VALUE / 2) {
      throw new IllegalArgumentException("'" + text + "' is too long a duration");
    }
    return Duration.ofMillis(Math.round(ms));
  }

  /** A duration as a person reads it: {@code 250 ms}, {@code 30 s}, {@code 2 m}, {@code 90 s}. */
  public static String describe(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0 && ms > 0) {
      return ms / 3_600_000 + " h";
    }
    if (ms % 60_000 == 0 && ms > 0) {
      return ms / 60_000 + " m";
    }
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }

  /** {@code --delay}, {@code --result-retention}: a number and a unit, or 0. */
  public static final class Delay implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return parse(value, false);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** {@code --timeout}: a number of seconds, or a number and a unit. */
  public static final class Seconds implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return parse(value, true);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
