package dev.workq.protocol;

import java.time.Duration;

/**
 * Argument checks for the options builders of every module (broker, client, worker), so that each
 * kind of bad setting is refused in one wording: {@code maxFrame must be at least 1024 bytes, got
 * 10}. Each returns the value it accepted.
 */
public final class Checks {

  private Checks() {}

  /** {@code value} if it is at least {@code min}; else "NAME must be at least MIN, got VALUE". */
  public static long atLeast(String name, long value, long min) {
    return atLeast(name, value, min, "");
  }

  /** Like {@link #atLeast(String, long, long)}, with a unit after the minimum ("1024 bytes"). */
  public static long atLeast(String name, long value, long min, String unit) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be at least " + min + (unit.isEmpty() ? "" : " " + unit) + ", got " + value);
    }
    return value;
  }

  /** {@code value} if it is in {@code min..max}; else "NAME must be MIN..MAX, got VALUE". */
  public static long range(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", got " + value);
    }
    return value;
  }

  /** {@code value} if it is longer than zero; else "NAME must be positive, got VALUE". */
  public static Duration positive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
    return value;
  }

  /** {@code value} if it is not negative; else "NAME must be zero or positive, got VALUE". */
  public static Duration notNegative(String name, Duration value) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException(name + " must be zero or positive, got " + value);
    }
    return value;
  }

  /** {@code value} if it has a non-blank character; else "NAME must not be blank". */
  public static String notBlank(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }
}
