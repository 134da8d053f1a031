package dev.workq.protocol.outcome;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workq.protocol.Json;
import dev.workq.protocol.Payload;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TaskOutcomeCodecTest {

  @Test
  void encodesEveryMemberInOrderOnOneLine() {
    Payload p = TaskOutcome.success("t-1", Payload.ofUtf8("{\"n\":[1,2]}"), "host:42", 2, 17).encode();
    assertEquals("{\"id\":\"t-1\",\"ok\":true,\"value\":{\"n\":[1,2]},\"error\":null,\"worker\":\"host:42\",\"attempts\":2,"
        + "\"elapsedMs\":17}", p.utf8());
    assertEquals("{\"id\":\"t-2\",\"ok\":false,\"value\":null,\"error\":\"boom \\\"x\\\"\\n\",\"worker\":null,\"attempts\":3,"
        + "\"elapsedMs\":0}", TaskOutcome.fromBroker("t-2", "boom \"x\"\n", 3).encode().utf8());
  }

  @Test
  void valuesOfEveryJsonKindComeBackAsTheirOwnBytes() {
    for (String v : List.of("42", "-1.5e3", "\"a,b}\"", "\"\"", "true", "false", "[]", "{}", "[1,{\"a\":\"]\"}]",
        "\"caf\u00e9 \\u2028\"", "{\"nested\":{\"deep\":[null]}}")) {
      TaskOutcome in = TaskOutcome.success("i", Payload.ofUtf8(v), "w", 1, 5);
      TaskOutcome out = TaskOutcomeCodec.decode(in.encode());
      assertEquals(in, out, v);
      assertEquals(v, out.valueJson());
    }
  }

  @Test
  void jsonNullAndAnAbsentValueAreNoValue() {
    assertNull(TaskOutcomeCodec.decode(Payload.ofUtf8("{\"id\":\"a\",\"ok\":true,\"value\":null}")).value());
    TaskOutcome absent = TaskOutcomeCodec.decode(Payload.ofUtf8("{\"ok\":true}"));
    assertNull(absent.value());
    assertNull(absent.id());
    assertEquals(0, absent.attempts());
  }

  @Test
  void readsWhatDatabindWritesAndSkipsUnknownMembers() throws Exception {
    String json = "{\"extra\":{\"x\":[1,2]},\"elapsedMs\":9,\"attempts\":1,\"worker\":\"w\",\"error\":null,"
        + "\"value\":\"v\",\"ok\":true,\"id\":\"z\",\"more\":7}";
    TaskOutcome o = TaskOutcomeCodec.decode(Payload.ofUtf8(json));
    assertEquals(new TaskOutcome("z", true, Payload.ofUtf8("\"v\""), null, "w", 1, 9), o);
  }

  @Test
  void aValueSpanningLinesIsMadeCompactSoTheRecordStaysOneLine() {
    TaskOutcome o = TaskOutcomeCodec.decode(Payload.ofUtf8("{\"ok\":true,\"value\": {\n  \"a\" : [ 1, \"x y\" ]\n}\n}"));
    assertEquals("{\"a\":[1,\"x y\"]}", o.valueJson());
    assertTrue(!o.encode().utf8().contains("\n"));
  }

  @Test
  void malformedRecordsAreRefusedNamingWhatIsWrong() {
    assertEquals("not a JSON object", assertThrows(IllegalArgumentException.class,
        () -> TaskOutcomeCodec.decode(Payload.ofUtf8("[1]"))).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> TaskOutcomeCodec.decode(Payload.ofUtf8("{\"attempts\":\"3\"}"))).getMessage().contains("'attempts'"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> TaskOutcomeCodec.decode(Payload.ofUtf8("{\"ok\":1}"))).getMessage().contains("'ok'"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> TaskOutcomeCodec.decode(Payload.ofUtf8("{\"id\":7}"))).getMessage().contains("'id'"));
    assertThrows(IllegalArgumentException.class, () -> TaskOutcomeCodec.decode(Payload.ofUtf8("{\"ok\":true")));
    assertThrows(IllegalArgumentException.class, () -> TaskOutcomeCodec.decode(Payload.ofUtf8("{} {}")));
    assertThrows(IllegalArgumentException.class, () -> TaskOutcomeCodec.decode(Payload.ofUtf8("")));
  }

  /** The bytes every record had before {@code trace} existed: a record without one must stay exactly these. */
  @Test
  void aRecordWithoutATraceIsTheBytesItAlwaysWas() {
    String old = "{\"id\":\"t-9\",\"ok\":true,\"value\":[1,\"a\"],\"error\":null,\"worker\":\"h:7\",\"attempts\":1,\"elapsedMs\":3}";
    TaskOutcome decoded = TaskOutcomeCodec.decode(Payload.ofUtf8(old));
    assertNull(decoded.trace());
    assertEquals(old, decoded.encode().utf8());
    assertEquals(old, new TaskOutcome("t-9", true, Payload.ofUtf8("[1,\"a\"]"), null, "h:7", 1, 3).encode().utf8());
    String failed = "{\"id\":\"t-8\",\"ok\":false,\"value\":null,\"error\":\"x.Boom: no\",\"worker\":\"h:7\",\"attempts\":2,\"elapsedMs\":0}";
    assertEquals(failed, TaskOutcome.failure("t-8", "x.Boom: no", "h:7", 2, 0).encode().utf8());
    assertEquals(failed, TaskOutcomeCodec.decode(Payload.ofUtf8(failed)).encode().utf8());
  }

  @Test
  void aTraceIsWrittenLastAndReadBack() {
    List<String> trace = List.of("app.Pi.partial(Pi.java:12)", "Caused by: java.io.IOException: \"disk\" gone", "app.Io.read(Io.java:3)");
    TaskOutcome in = TaskOutcome.failure("t-3", "java.lang.IllegalStateException: boom", "h:1", 1, 5, trace);
    String bytes = in.encode().utf8();
    assertEquals("{\"id\":\"t-3\",\"ok\":false,\"value\":null,\"error\":\"java.lang.IllegalStateException: boom\",\"worker\":\"h:1\","
        + "\"attempts\":1,\"elapsedMs\":5,\"trace\":[\"app.Pi.partial(Pi.java:12)\",\"Caused by: java.io.IOException: \\\"disk\\\" gone\","
        + "\"app.Io.read(Io.java:3)\"]}", bytes);
    TaskOutcome back = TaskOutcomeCodec.decode(in.encode());
    assertEquals(in, back);
    assertEquals(trace, back.trace());
    assertEquals(List.of(), TaskOutcomeCodec.decode(Payload.ofUtf8("{\"ok\":false,\"trace\":[]}")).trace());
    assertNull(TaskOutcomeCodec.decode(Payload.ofUtf8("{\"ok\":false,\"trace\":null}")).trace());
  }

  @Test
  void aTraceThatIsNotAnArrayOfStringsIsRefusedNamingIt() {
    assertEquals("'trace' must be an array of strings or null, not \"", assertThrows(IllegalArgumentException.class,
        () -> TaskOutcomeCodec.decode(Payload.ofUtf8("{\"trace\":\"x\"}"))).getMessage().replace("value_string", "\""));
    assertEquals("'trace' must be an array of strings: element 1 is value_number_int", assertThrows(IllegalArgumentException.class,
        () -> TaskOutcomeCodec.decode(Payload.ofUtf8("{\"trace\":[\"a\",7]}"))).getMessage());
    assertThrows(IllegalArgumentException.class, () -> TaskOutcome.failure("t", "e", "w", 1, 0, java.util.Arrays.asList("a", null)));
  }

  /** Seeded: random trees as values, random strings as ids and errors; each record reads back equal and parses as JSON. */
  @Test
  void randomOutcomesRoundTrip() throws Exception {
    Random r = new Random(12);
    for (int i = 0; i < 2000; i++) {
      JsonNode tree = RandomJson.tree(r, 3);
      Payload value = r.nextInt(5) == 0 || tree.isNull() ? null : Payload.wrap(Json.mapper().writeValueAsBytes(tree));
      List<String> trace = r.nextInt(3) > 0 ? null : java.util.stream.IntStream.range(0, r.nextInt(4))
          .mapToObj(n -> RandomJson.string(r)).toList();
      TaskOutcome in = new TaskOutcome(RandomJson.string(r), r.nextBoolean(), value, r.nextBoolean() ? null : RandomJson.string(r),
          RandomJson.string(r), r.nextInt(), r.nextLong(), trace);
      Payload bytes = in.encode();
      TaskOutcome back = TaskOutcomeCodec.decode(bytes);
      assertEquals(in, back, bytes.utf8());
      Json.mapper().readTree(bytes.bytes());
    }
  }
}
