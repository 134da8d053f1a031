package dev.workq.worker.handlers;

import dev.workq.worker.api.TaskContext;
import dev.workq.worker.api.TaskHandler;
import java.math.BigInteger;

/**
 * {@code pi}: {@code {"digits": N}} returns π to N decimal places, computed with Machin's formula
 * in fixed-point integers: CPU-bound work for demos and benchmarks.
 */
public final class PiHandler implements TaskHandler<PiHandler.Input, PiHandler.Output> {

  /** The most digits accepted, so one task cannot occupy a worker for minutes. */
  public static final int MAX_DIGITS = 100_000;

  public record Input(int digits) {
    public Input {
      if (digits < 1 || digits > MAX_DIGITS) {
        throw new IllegalArgumentException("digits must be 1.." + MAX_DIGITS + ", got " + digits);
      }
    }
  }

  public record Output(int digits, String pi) {}

  @Override
  public String name() {
    return "pi";
  }

  @Override
  public Class<Input> inputType() {
    return Input.class;
  }

  @Override
  public Output handle(Input input, TaskContext context) {
    return new Output(input.digits(), pi(input.digits()));
  }

  /** π to {@code digits} decimal places, truncated: {@code pi(5)} is {@code "3.14159"}. */
  public static String pi(int digits) {
    int guard = 10;
    BigInteger unity = BigInteger.TEN.pow(digits + guard);
    BigInteger pi = arccot(5, unity).multiply(BigInteger.valueOf(4)).subtract(arccot(239, unity)).multiply(BigInteger.valueOf(4));
    String s = pi.divide(BigInteger.TEN.pow(guard)).toString();
    return s.charAt(0) + "." + s.substring(1);
  }

  /** arccot(x) scaled by {@code unity}, by its Taylor series. */
  private static BigInteger arccot(int x, BigInteger unity) {
    BigInteger xSquared = BigInteger.valueOf((long) x * x);
    BigInteger power = unity.divide(BigInteger.valueOf(x));
    BigInteger sum = power;
    int n = 3;
    boolean subtract = true;
    while (power.signum() != 0) {
      power = power.divide(xSquared);
      BigInteger term = power.divide(BigInteger.valueOf(n));
      sum = subtract ? sum.subtract(term) : sum.add(term);
      subtract = !subtract;
      n += 2;
    }
    return sum;
  }
}
