package dev.workq.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.workq.protocol.Ack;
import dev.workq.protocol.Complete;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Message;
import dev.workq.protocol.MessageType;
import dev.workq.protocol.Put;
import dev.workq.protocol.PutOk;
import dev.workq.protocol.Release;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The fast header path against databind, its reference: the same bytes out for every message,
 * the same message back in, and databind's verdict for every header outside the plain shape.
 * Messages are drawn from a seeded generator, so a failure names a seed that reproduces it.
 */
class HotHeadersTest {

  private static final String[] ODD = {"", "a\"b", "back\\slash", "tab\there", "nl\nx", "\u0000", "\u001f", "\u007f",
      "é", "日本語", "emoji \uD83D\uDE00", "</script>", "\u2028"};

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void writesTheBytesDatabindWritesAndReadsBackTheSameMessage(long seed) throws IOException {
    Random random = new Random(seed);
    for (int i = 0; i < 2_000; i++) {
      Message m = randomMessage(random);
      ByteBuf fast = Unpooled.buffer();
      ByteBuf reference = Unpooled.buffer();
      HotHeaders.write(m, fast);
      MessageEncoder.writeHeaderWithDatabind(m, reference);
      assertEquals(reference.toString(StandardCharsets.UTF_8), fast.toString(StandardCharsets.UTF_8), "seed " + seed + ", " + m);
      Message back = HotHeaders.read(m.type(), fast);
      if (plainAscii(fast)) {
        assertNotNull(back, "the fast path reads what it wrote: seed " + seed + ", " + m);
      }
      if (back != null) {
        assertEquals(MessageDecoder.readWithDatabind(m.type(), fast), back, "seed " + seed);
        assertEquals(withoutPayload(m), back, "seed " + seed);
      } else {
        assertEquals(withoutPayload(m), MessageDecoder.readWithDatabind(m.type(), fast), "databind reads the rest: seed " + seed);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"tag\":\"5\"}",                     // a number as a string: databind coerces it
      "{\"tag\":5.0}",                       // a float for a long
      "{\"tag\":5,\"tag\":6}",               // a repeated member
      "{\"tag\":5} {}",                      // trailing tokens
      "{\"tag\":99999999999999999999}",      // too big for a long
      "[5]",                                 // not an object
      "{\"tag\":5",                          // cut short
      "{\"tag\":true}",
      "{\"tag\":05}",                      // a leading zero: Jackson rejects it
      "{\"tag\":1e3}",
      "{\"tag\":-}",
      "{\"tag\":9223372036854775808}",     // one past Long.MAX_VALUE
      "{\"tag\":nul}",
      "{\"tag\":nullx}",
      "{\"tag\":1,}",
      "{\"tag\":1}x",
      "{\"t\\u0061g\":1}",               // an escape in a name
      "{\"tag\":1 \"x\":2}",             // a missing comma
      "",
  })
  void leavesAnythingButThePlainShapeToDatabind(String header) {
    ByteBuf buf = Unpooled.copiedBuffer(header, StandardCharsets.UTF_8);
    assertNull(HotHeaders.read(MessageType.ACK, buf), header);
  }

  @Test
  void skipsUnknownScalarMembersAsDatabindDoesAndLeavesNestedOnesToIt() {
    String scalars = "{\"future\":12,\"tag\":7,\"more\":\"text\",\"flag\":true,\"nothing\":null}";
    ByteBuf buf = Unpooled.copiedBuffer(scalars, StandardCharsets.UTF_8);
    assertEquals(new Ack(7), HotHeaders.read(MessageType.ACK, buf));
    assertEquals(new Ack(7), MessageDecoder.readWithDatabind(MessageType.ACK, buf));

    String nested = "{\"future\":{\"nested\":[1,2,{\"x\":null}]},\"tag\":7}";
    ByteBuf nestedBuf = Unpooled.copiedBuffer(nested, StandardCharsets.UTF_8);
    assertNull(HotHeaders.read(MessageType.ACK, nestedBuf));
    assertEquals(new Ack(7), MessageDecoder.readWithDatabind(MessageType.ACK, nestedBuf));
  }

  @Test
  void readsWhitespaceNegativeZeroAndTheLongRangeAsJacksonDoes() {
    String[] headers = {" {\r\n\t\"tag\" :\t-0 ,\"x\":1 } \n", "{\"tag\":-9223372036854775808}", "{\"tag\":9223372036854775807}", "{}"};
    for (String header : headers) {
      ByteBuf buf = Unpooled.copiedBuffer(header, StandardCharsets.UTF_8);
      Message fast = HotHeaders.read(MessageType.ACK, buf);
      assertNotNull(fast, header);
      assertEquals(MessageDecoder.readWithDatabind(MessageType.ACK, buf), fast, header);
    }
  }

  @Test
  void aValueTheRecordRejectsGetsDatabindsErrorMessage() {
    String header = "{\"corr\":1,\"queue\":\"bad queue name!\",\"kind\":\"TASK\",\"handler\":\"h\"}";
    ByteBuf buf = Unpooled.copiedBuffer(header, StandardCharsets.UTF_8);
    assertNull(HotHeaders.read(MessageType.PUT, buf));
    ProtocolException e = assertThrows(ProtocolException.class, () -> MessageDecoder.readWithDatabind(MessageType.PUT, buf));
    assertEquals(true, e.getMessage().startsWith("malformed PUT header: "), e.getMessage());
  }

  @Test
  void anEnumGivenByNumberOrUnknownNameIsLeftToDatabind() {
    assertNull(HotHeaders.read(MessageType.PUT, Unpooled.copiedBuffer("{\"corr\":1,\"queue\":\"q\",\"kind\":0,\"handler\":\"h\"}", StandardCharsets.UTF_8)));
    assertNull(HotHeaders.read(MessageType.PUT, Unpooled.copiedBuffer("{\"corr\":1,\"queue\":\"q\",\"kind\":\"task\",\"handler\":\"h\"}", StandardCharsets.UTF_8)));
  }

  /** Printable ASCII without escapes: the strings the fast path reads itself. */
  private static boolean plainAscii(ByteBuf header) {
    for (int i = header.readerIndex(); i < header.writerIndex(); i++) {
      byte b = header.getByte(i);
      if (b < 0x20 || b > 0x7e || b == '\\') {
        return false;
      }
    }
    return true;
  }

  private static Message withoutPayload(Message m) {
    if (m instanceof Deliver d) {
      return d.withPayload(null);
    }
    if (m instanceof Put p) {
      return p.withPayload(null);
    }
    if (m instanceof Complete c) {
      return c.withPayload(null);
    }
    return m;
  }

  private static Message randomMessage(Random r) {
    return switch (r.nextInt(6)) {
      case 0 -> new Deliver(num(r), num(r), num(r), queue(r), r.nextBoolean() ? ItemKind.TASK : ItemKind.values()[r.nextInt(4)],
          text(r), r.nextBoolean() ? "noop" : null, r.nextBoolean() ? queue(r) : null, r.nextInt(1000), num(r), null);
      case 1 -> put(r);
      case 2 -> new PutOk(num(r), r.nextBoolean() ? null : text(r));
      case 3 -> new Complete(num(r), r.nextBoolean(), r.nextBoolean() ? null : text(r), r.nextBoolean(), null);
      case 4 -> new Ack(num(r));
      default -> new Release(num(r));
    };
  }

  /** A put the record accepts (its id may not hold control characters): drawn until one is. */
  private static Put put(Random r) {
    while (true) {
      try {
        ItemKind kind = new ItemKind[] {ItemKind.TASK, ItemKind.STOP, ItemKind.DATA}[r.nextInt(3)];
        return new Put(num(r), queue(r), kind, r.nextBoolean() ? null : nonEmpty(r), kind == ItemKind.TASK || r.nextBoolean() ? "h-" + r.nextInt(9) : null,
            r.nextBoolean() ? queue(r) : null, r.nextBoolean() ? null : 1 + r.nextInt(Put.MAX_ATTEMPTS),
            r.nextBoolean() ? null : Put.MIN_LEASE_MS + r.nextInt(1_000_000), null);
      } catch (IllegalArgumentException rejected) {
        // draw again
      }
    }
  }

  private static long num(Random r) {
    return switch (r.nextInt(4)) {
      case 0 -> r.nextInt(10);
      case 1 -> Long.MAX_VALUE - r.nextInt(3);
      case 2 -> Long.MIN_VALUE + r.nextInt(3);
      default -> r.nextLong();
    };
  }

  private static String queue(Random r) {
    return "q" + r.nextInt(100) + (r.nextBoolean() ? ".done" : "");
  }

  private static String nonEmpty(Random r) {
    String s = text(r);
    return s.isEmpty() ? "x" : s;
  }

  private static String text(Random r) {
    StringBuilder b = new StringBuilder();
    int parts = r.nextInt(4);
    for (int i = 0; i < parts; i++) {
      b.append(r.nextBoolean() ? ODD[r.nextInt(ODD.length)] : "id-" + r.nextInt(100_000));
    }
    return b.toString();
  }
}
