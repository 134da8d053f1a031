package dev.workq.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.workq.protocol.Json;
import dev.workq.protocol.Printable;

/**
 * JSON for the CLI's output, where strings come from peers (error messages, worker and handler
 * names, results). Jackson escapes C0 controls on its own, but writes DEL, C1 controls (U+009B is
 * a terminal's CSI), U+2028/U+2029 and bidirectional overrides as they are; here every character
 * {@link Printable#unsafe} names is written as {@code \}{@code uXXXX} too. The output is the same JSON
 * to a parser: only how a terminal shows it changes.
 */
public final class TerminalJson {

  private static final ObjectWriter WRITER = Json.mapper().writer().with(new Escapes());

  private TerminalJson() {}

  /** {@code value} as one line of JSON, safe to print. */
  public static String write(Object value) {
    try {
      return WRITER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      // The values printed are the client's own records: failing to write one is a bug.
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }

  /** Jackson's standard escapes, plus {@link Printable#unsafe} characters. */
  private static final class Escapes extends CharacterEscapes {
    private final int[] ascii;

    Escapes() {
      ascii = standardAsciiEscapesForJSON();
      // DEL is ASCII, so it is decided here; the rest go through getEscapeSequence.
      ascii[0x7f] = ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      return ch <= 0xffff && Printable.unsafe((char) ch) && !Character.isSurrogate((char) ch)
          ? new SerializedString(String.format("\\u%04x", ch))
          : null;
    }
  }
}
