package dev.workq.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PrintableTest {

  @Test
  void leavesPlainTextAsItIs() {
    String plain = "images.resize worker-1 héllo 日本 \uD83D\uDE00 back\\slash";
    assertSame(plain, Printable.escape(plain));
  }

  @Test
  void escapesNewlinesEscNulAndDel() {
    assertEquals("a\\u000aINFO forged\\u000d\\u001b[31m\\u0000\\u007f\\u0009",
        Printable.escape("a\nINFO forged\r\u001b[31m\u0000\u007f\t"));
  }

  @Test
  void escapesC1ControlsAndUnicodeSeparators() {
    assertEquals("\\u0085\\u009b\\u2028\\u2029", Printable.escape("\u0085\u009b\u2028\u2029"));
  }

  @Test
  void escapesBidiOverridesThatReorderWhatATerminalShows() {
    assertEquals("\\u202ecba\\u2066", Printable.escape("\u202ecba\u2066"));
  }

  @Test
  void escapesLoneSurrogatesButKeepsPairs() {
    assertEquals("\\ud800x\\udc00\uD83D\uDE00", Printable.escape("\uD800x\uDC00\uD83D\uDE00"));
  }

  @Test
  void boundsTheLengthAndSaysHowMuchWasCut() {
    String out = Printable.escape("x".repeat(1000));
    assertEquals("x".repeat(Printable.DEFAULT_MAX) + "…(488 more)", out);
    assertEquals("ab…(1 more)", Printable.escape("abc", 2));
  }

  @Test
  void doesNotCutASurrogatePairInHalf() {
    assertEquals("a\uD83D\uDE00…(1 more)", Printable.escape("a\uD83D\uDE00b", 2));
  }

  @Test
  void escapesTheFirstMaxCharactersEvenWhenCut() {
    assertTrue(Printable.escape("\n".repeat(10), 3).startsWith("\\u000a\\u000a\\u000a…(7 more)"));
  }

  @Test
  void nullIsPrintedAsNull() {
    assertEquals("null", Printable.escape((String) null));
    assertEquals("null", Printable.escape((Object) null));
  }

  @Test
  void refusesANonPositiveBound() {
    assertThrows(IllegalArgumentException.class, () -> Printable.escape("x", 0));
  }
}
