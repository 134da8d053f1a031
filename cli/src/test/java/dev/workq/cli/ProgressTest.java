package dev.workq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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

  /**
   * A fake terminal: stderr and stdout into one buffer, as a tty shows them, replayed with what
   * {@code \r}, {@code ESC[K} and {@code \n} do to the screen.
   */
  private static List<String> screen(String written) {
    List<String> lines = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    int col = 0;
    for (int i = 0; i < written.length(); i++) {
      char ch = written.charAt(i);
      if (ch == '\r') {
        col = 0;
      } else if (ch == '\n') {
        lines.add(cur.toString());
        cur.setLength(0);
        col = 0;
      } else if (ch == '\u001b' && written.startsWith("[K", i + 1)) {
        cur.setLength(col);
        i += 2;
      } else {
        if (col < cur.length()) {
          cur.setCharAt(col, ch);
        } else {
          cur.append(ch);
        }
        col++;
      }
    }
    lines.add(cur.toString());
    return lines;
  }

  @Test
  void onATerminalStdoutLinesNeverShareALineWithTheBarAndTheBarEndsWithANewline() throws Exception {
    ByteArrayOutputStream tty = new ByteArrayOutputStream();
    PrintStream both = new PrintStream(tty, true, StandardCharsets.UTF_8);
    Progress.BarLine line = new Progress.BarLine(both, both, 100);
    try (Progress p = new Progress(Progress.bar("tasks", 3, line, 20), line, "tasks", 3, l -> { })) {
      for (int i = 0; i < 3; i++) {
        Thread.sleep(60);
        p.println("{\"id\":\"t" + i + "\"}");
        p.step();
      }
    }
    both.println("{\"after\":1}");
    List<String> screen = screen(tty.toString(StandardCharsets.UTF_8));
    for (String l : screen) {
      if (l.contains("{")) {
        assertTrue(l.matches("\\{\"(id|after)\".*\\}"), "a stdout line shares the screen line with the bar: '" + l + "' in " + screen);
      }
    }
    assertEquals(List.of("{\"id\":\"t0\"}", "{\"id\":\"t1\"}", "{\"id\":\"t2\"}"),
        screen.stream().filter(l -> l.startsWith("{\"id")).toList());
    assertTrue(screen.stream().anyMatch(l -> l.startsWith("tasks 100%")), screen.toString());
  }

  @Test
  void theBarRedrawsOnATimerWhileNothingCompletes() throws Exception {
    List<String> draws = new java.util.concurrent.CopyOnWriteArrayList<>();
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    Progress.BarLine line = new Progress.BarLine(sink, sink, 100) {
      @Override
      public synchronized void accept(String rendered) {
        draws.add(rendered);
        super.accept(rendered);
      }
    };
    try (Progress p = new Progress(Progress.bar("tasks", 3, line, 20), line, "tasks", 3, l -> { })) {
      Thread.sleep(400);
      assertTrue(draws.size() >= 5, "redrawn " + draws.size() + " times in 400 ms with no step: the clock froze");
    }
  }
}
