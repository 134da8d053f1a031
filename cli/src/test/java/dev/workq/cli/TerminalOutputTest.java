package dev.workq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workq.protocol.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the CLI prints of peer-controlled text: JSON that a terminal shows without obeying it. */
class TerminalOutputTest {

  private static final String HOSTILE = "a\nb\u001b[2J\u0000\u007f\u009b31m\u2028\u202eend é";

  @Test
  void terminalJsonEscapesWhatJacksonLeavesRawAndStaysTheSameJson() throws Exception {
    String line = TerminalJson.write(Map.of("error", HOSTILE));
    for (char c : line.toCharArray()) {
      assertFalse(dev.workq.protocol.Printable.unsafe(c), "raw U+" + Integer.toHexString(c) + " in " + line);
    }
    String lower = line.toLowerCase(java.util.Locale.ROOT);
    assertTrue(lower.contains("\\u009b") && lower.contains("\\u2028") && lower.contains("\\u007f"), line);
    assertTrue(line.contains("é"), "ordinary non-ASCII stays readable: " + line);
    JsonNode back = Json.mapper().readTree(line);
    assertEquals(HOSTILE, back.get("error").asText());
  }

  @Test
  void oneLineErrorsAreEscapedAfterTheFirstLineIsTaken() {
    String shown = Workq.oneLine(new RuntimeException("refused: \u001b[31mred\u0007 bell\nsecond line"));
    assertEquals("refused: \\u001b[31mred\\u0007 bell", shown);
  }
}
