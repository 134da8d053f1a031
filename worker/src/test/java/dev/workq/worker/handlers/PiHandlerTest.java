package dev.workq.worker.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PiHandlerTest {

  // The first 100 decimal places of pi.
  static final String PI_100 = "3."
      + "1415926535897932384626433832795028841971693993751058209749445923078164062862089986280348253421170679";

  @Test
  void computesTheKnownDigits() {
    assertEquals(PI_100, PiHandler.pi(100));
    assertEquals("3.14159", PiHandler.pi(5));
    assertEquals("3.1", PiHandler.pi(1));
  }

  @Test
  void longerRunsAgreeWithShorterOnes() {
    String p2000 = PiHandler.pi(2000);
    assertEquals(2002, p2000.length());
    assertEquals(PiHandler.pi(1500), p2000.substring(0, 1502));
  }

  @Test
  void refusesDigitsOutOfRange() {
    assertThrows(IllegalArgumentException.class, () -> new PiHandler.Input(0));
    assertThrows(IllegalArgumentException.class, () -> new PiHandler.Input(PiHandler.MAX_DIGITS + 1));
  }
}
