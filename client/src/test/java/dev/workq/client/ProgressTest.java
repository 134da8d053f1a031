package dev.workq.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressTest {

  @Test
  void withoutATerminalProgressIsPlainLinesEndingWithTheTotal() {
    List<String> lines = new ArrayList<>();
    try (Progress p = new Progress(null, "tasks", 3, lines::add)) {
      p.step();
      p.step();
      p.step();
    }
    assertTrue(!lines.isEmpty() && lines.get(lines.size() - 1).startsWith("3/3 tasks done ("), lines.toString());
    assertTrue(lines.stream().noneMatch(l -> l.contains("\r") || l.contains("\u001b")), "no control characters");
  }

  @Test
  void aLineAtMostEveryFewSecondsNotOnEveryStep() {
    List<String> lines = new ArrayList<>();
    try (Progress p = new Progress(null, "tasks", 1000, lines::add)) {
      for (int i = 0; i < 999; i++) {
        p.step();
      }
      assertEquals(0, lines.size(), "no line before " + Progress.LINE_EVERY_NANOS / 1_000_000_000 + " s unless done");
      p.step();
    }
    assertEquals(1, lines.size(), lines.toString());
  }
}
