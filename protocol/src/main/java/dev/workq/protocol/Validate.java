package dev.workq.protocol;

/** Field checks shared by the message records, so that a bad value fails at decode time. */
public final class Validate {

  /** The longest queue name. */
  public static final int MAX_QUEUE_NAME = 200;

  private Validate() {}

  /**
   * Queue names: 1 to 200 of {@code A-Z a-z 0-9 . _ - :}. Kept strict so names are safe in file
   * names, metrics labels and URLs.
   */
  public static String queue(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(field + " is required");
    }
    if (value.length() > MAX_QUEUE_NAME) {
      throw new IllegalArgumentException(field + ": at most " + MAX_QUEUE_NAME + " characters, got " + value.length());
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '-' || c == ':';
      if (!ok) {
        // The value goes back to the peer and into the broker's log: escaped, so it cannot forge a line.
        throw new IllegalArgumentException(field + ": '" + Printable.escape(value, 64)
            + "' has a character outside A-Z a-z 0-9 . _ - : (at index " + i + ")");
      }
    }
    return value;
  }

  /**
   * Handler names follow the queue-name rules: the worker's {@code --handlers}, its handler
   * registry, HELLO and CONSUME all check them here, so one place defines what a handler name is.
   */
  public static String name(String field, String value) {
    return queue(field, value);
  }

  /** Free text up to {@code max} characters, no control characters. */
  public static String text(String field, String value, int max) {
    if (value == null) {
      throw new IllegalArgumentException(field + " is required");
    }
    if (value.length() > max) {
      throw new IllegalArgumentException(field + ": at most " + max + " characters, got " + value.length());
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new IllegalArgumentException(field + " has a control character at index " + i);
      }
    }
    return value;
  }
}
