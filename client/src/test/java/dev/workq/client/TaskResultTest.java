package dev.workq.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.Json;
import dev.workq.protocol.Payload;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link TaskResult}: the record's bytes kept as they came, the value mapped on demand, Jackson in and out. */
class TaskResultTest {

  private static final String RECORD =
      "{\"id\":\"t-1\",\"ok\":true,\"value\":{\"n\":[1,2]},\"error\":null,\"worker\":\"h:1\",\"attempts\":1,\"elapsedMs\":4}";

  @Test
  void parsesTheRecordAndKeepsItsBytes() {
    TaskResult r = TaskResult.parse(Payload.ofUtf8(RECORD));
    assertEquals("t-1", r.id());
    assertTrue(r.ok());
    assertEquals(2, r.value().get("n").get(1).asInt());
    assertEquals(Map.of("n", List.of(1, 2)), r.valueAs(Map.class));
    assertEquals(RECORD, r.toJson(), "printed as it came");
  }

  @Test
  void jacksonWritesAndReadsItAsTheRecord() throws Exception {
    TaskResult r = TaskResult.parse(Payload.ofUtf8(RECORD));
    String json = Json.mapper().writeValueAsString(Map.of("result", r));
    assertEquals("{\"result\":" + RECORD + "}", json);
    Holder back = Json.mapper().readValue(json, Holder.class);
    assertEquals(r, back.result);
  }

  @Test
  void aRecordThatIsNotOneIsAClearError() {
    WorkqException e = assertThrows(WorkqException.class, () -> TaskResult.parse(Payload.ofUtf8("[1]")));
    assertEquals("malformed result record: not a JSON object", e.getMessage());
  }

  @Test
  void builtFromFieldsWithoutAValueItHasNone() {
    TaskResult r = new TaskResult("x", false, null, "boom", "w", 2, 0);
    assertNull(r.value());
    assertNull(r.valueAs(Map.class));
    assertEquals("{\"id\":\"x\",\"ok\":false,\"value\":null,\"error\":\"boom\",\"worker\":\"w\",\"attempts\":2,\"elapsedMs\":0}", r.toJson());
  }

  @Test
  void theTraceIsTheRecordsOrEmptyWhenItHasNone() {
    assertEquals(List.of(), TaskResult.parse(Payload.ofUtf8(RECORD)).trace());
    String failed = "{\"id\":\"t-2\",\"ok\":false,\"value\":null,\"error\":\"x.Boom\",\"worker\":\"h:1\",\"attempts\":1,"
        + "\"elapsedMs\":4,\"trace\":[\"a.B.c(B.java:1)\",\"Caused by: x.Root: r\"]}";
    TaskResult r = TaskResult.parse(Payload.ofUtf8(failed));
    assertEquals(List.of("a.B.c(B.java:1)", "Caused by: x.Root: r"), r.trace());
    assertEquals(failed, r.toJson(), "printed as it came");
  }

  static final class Holder {
    public TaskResult result;
  }
}
