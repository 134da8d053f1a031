package dev.workq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Durations on the command line: --delay needs a unit, --timeout also takes bare seconds. */
class DurationsTest {

  @Test
  void everyUnitParses() {
    assertEquals(Duration.ofMillis(250), Durations.parse("250ms", false));
    assertEquals(Duration.ofSeconds(30), Durations.parse("30s", false));
    assertEquals(Duration.ofSeconds(90), Durations.parse("1.5m", false));
    assertEquals(Duration.ofHours(2), Durations.parse("2h", false));
    assertEquals(Duration.ofSeconds(5), Durations.parse("5", true), "a bare number is seconds for --timeout");
    assertEquals(Duration.ofMillis(2500), Durations.parse("2.5", true));
    assertEquals(Duration.ZERO, Durations.parse("0s", false));
    assertEquals(Duration.ZERO, Durations.parse("0", false), "zero needs no unit (--result-retention 0 keeps nothing)");
  }

  @Test
  void aDelayWithoutAUnitOrAnythingElseIsRefusedNamingTheForms() {
    IllegalArgumentException bare = assertThrows(IllegalArgumentException.class, () -> Durations.parse("30", false));
    assertEquals("'30' needs a unit: ms, s, m or h (e.g. 30s)", bare.getMessage());
    for (String bad : new String[] {"", "s", "-1s", "3d", "1e3s", "30 sec", "PT30S"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad, true), bad);
      assertTrue(e.getMessage().contains("ms, s, m or h"), e.getMessage());
    }
  }

  @Test
  void durationsReadAsAPersonWritesThem() {
    assertEquals("250 ms", Durations.describe(Duration.ofMillis(250)));
    assertEquals("30 s", Durations.describe(Duration.ofSeconds(30)));
    assertEquals("90 s", Durations.describe(Duration.ofSeconds(90)));
    assertEquals("2 m", Durations.describe(Duration.ofMinutes(2)));
    assertEquals("1 h", Durations.describe(Duration.ofHours(1)));
    assertEquals("0 s", Durations.describe(Duration.ZERO));
  }
}
