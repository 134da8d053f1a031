package dev.workq.protocol;

/**
 * Makes a string that came from a peer safe to put in a log line or on a terminal. A peer
 * controls queue names in errors, worker names, handler names and error messages; printed raw, a
 * newline forges a whole log line and an ESC sequence rewrites the operator's terminal. This class
 * owns the one rule for that: every control character (C0, DEL, C1), the Unicode line and
 * paragraph separators (U+2028, U+2029), the bidirectional overrides and isolates (U+202A..U+202E,
 * U+2066..U+2069, which reorder what a terminal shows) and lone surrogates become {@code \}{@code uXXXX};
 * a backslash stays as it is (so an escape can be forged, but never a line or a colour); and the
 * result is bounded so one peer cannot fill the log.
 */
public final class Printable {

  /** The longest text {@link #escape(String)} keeps, in characters of the input: 512. */
  public static final int DEFAULT_MAX = 512;

  private Printable() {}

  /** {@code value} escaped and cut after {@link #DEFAULT_MAX} characters; {@code null} stays {@code "null"}. */
  public static String escape(String value) {
    return escape(value, DEFAULT_MAX);
  }

  /**
   * {@code value} with every unsafe character as {@code \}{@code uXXXX}, cut after {@code max} characters
   * of the input with "…(N more)" saying how much was left out. {@code null} is {@code "null"},
   * as string concatenation would print it.
   */
  public static String escape(String value, int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be >= 1, got " + max);
    }
    if (value == null) {
      return "null";
    }
    int end = Math.min(value.length(), max);
    // A surrogate pair cut in half would leave a lone high surrogate at the end; keep the pair whole.
    if (end < value.length() && end > 0 && Character.isHighSurrogate(value.charAt(end - 1))
        && Character.isLowSurrogate(value.charAt(end))) {
      end++;
    }
    if (end == value.length() && isClean(value)) {
      return value;
    }
    StringBuilder out = new StringBuilder(end + 16);
    for (int i = 0; i < end; i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
        out.append(c).append(value.charAt(++i));
      } else if (unsafe(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (end < value.length()) {
      out.append("…(").append(value.length() - end).append(" more)");
    }
    return out.toString();
  }

  /** {@code String.valueOf(value)}, escaped: for objects whose {@code toString} carries peer text. */
  public static String escape(Object value) {
    return escape(String.valueOf(value));
  }

  private static boolean isClean(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (unsafe(c)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code c} must not reach a log or a terminal raw: a control character, a line or
   * paragraph separator, a bidirectional override or isolate, or a surrogate (which is safe only
   * as half of a valid pair: {@link #escape} keeps those). Public so that other escapers (the
   * CLI's JSON output) apply the same rule.
   */
  public static boolean unsafe(char c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f)
        || c == '\u2028' || c == '\u2029'
        || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069')
        || Character.isSurrogate(c);
  }
}
