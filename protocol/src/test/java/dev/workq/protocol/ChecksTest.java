package dev.workq.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ChecksTest {

  private static String refused(Runnable check) {
    return assertThrows(IllegalArgumentException.class, check::run).getMessage();
  }

  @Test
  void eachCheckReturnsWhatItAcceptsAndNamesWhatItRefuses() {
    assertEquals(5, Checks.atLeast("n", 5, 5));
    assertEquals("n must be at least 1, got 0", refused(() -> Checks.atLeast("n", 0, 1)));
    assertEquals("maxFrame must be at least 1024 bytes, got 10", refused(() -> Checks.atLeast("maxFrame", 10, 1024, "bytes")));
    assertEquals(65535, Checks.range("port", 65535, 0, 65535));
    assertEquals("port must be 0..65535, got 65536", refused(() -> Checks.range("port", 65536, 0, 65535)));
    assertEquals("port must be 0..65535, got -1", refused(() -> Checks.range("port", -1, 0, 65535)));
    assertEquals(Duration.ofMillis(1), Checks.positive("t", Duration.ofMillis(1)));
    assertEquals("t must be positive, got PT0S", refused(() -> Checks.positive("t", Duration.ZERO)));
    assertEquals("t must be positive, got null", refused(() -> Checks.positive("t", null)));
    assertEquals(Duration.ZERO, Checks.notNegative("g", Duration.ZERO));
    assertEquals("g must be zero or positive, got PT-1S", refused(() -> Checks.notNegative("g", Duration.ofSeconds(-1))));
    assertEquals("h", Checks.notBlank("host", "h"));
    assertEquals("host must not be blank", refused(() -> Checks.notBlank("host", " ")));
    assertEquals("host must not be blank", refused(() -> Checks.notBlank("host", null)));
  }
}
