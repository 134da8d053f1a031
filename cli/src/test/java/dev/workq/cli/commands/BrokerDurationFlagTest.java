package dev.workq.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code workq broker --result-retention}: a number with ms, s, m or h; a bare 0 keeps nothing. */
class BrokerDurationFlagTest {

  @Test
  void readsEachUnit() {
    assertEquals(Duration.ofMillis(250), BrokerCommand.duration("resultRetention", "250ms"));
    assertEquals(Duration.ofSeconds(90), BrokerCommand.duration("resultRetention", "90s"));
    assertEquals(Duration.ofMinutes(30), BrokerCommand.duration("resultRetention", "30m"));
    assertEquals(Duration.ofHours(1), BrokerCommand.duration("resultRetention", " 1h "));
    assertEquals(Duration.ZERO, BrokerCommand.duration("resultRetention", "0"));
  }

  @Test
  void refusesANumberWithoutUnitAndAnythingElseNamingTheFlag() {
    for (String bad : new String[] {"60", "1d", "-5m", "h", "", "1.5h"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BrokerCommand.duration("resultRetention", bad));
      assertTrue(e.getMessage().startsWith("resultRetention must be"), e.getMessage());
    }
  }
}
