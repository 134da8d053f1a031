package dev.workq.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.Ack;
import dev.workq.protocol.Complete;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Message;
import dev.workq.protocol.Payload;
import dev.workq.protocol.Ping;
import dev.workq.protocol.ProtocolVersion;
import dev.workq.protocol.Put;
import dev.workq.protocol.PutOk;
import dev.workq.protocol.Release;
import dev.workq.protocol.Renew;
import dev.workq.protocol.TaskState;
import dev.workq.protocol.TaskWaitOk;
import dev.workq.protocol.transport.MessageBatch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The worked examples in docs/PROTOCOL.md are what the codec writes and reads. Each example is a
 * fenced block after an anchor {@code <a id="example-v2-NAME">}: one field per line, its hex bytes
 * first, then two or more spaces and a comment. A client author copies these bytes, so a layout
 * change that forgets the document fails here, and so does an example this test does not know.
 */
class ProtocolDocExamplesTest {

  private static final long TAG = 1099511627776L;

  /** The message(s) of each example, by anchor. */
  private static final Map<String, List<Message>> EXAMPLES = new LinkedHashMap<>();

  static {
    EXAMPLES.put("example-v1-ping", List.of(new Ping(1)));
    EXAMPLES.put("example-v2-put", List.of(new Put(1, "tasks", ItemKind.TASK, null, "echo", null, null, null, Payload.ofUtf8("{\"a\":1}"))));
    EXAMPLES.put("example-v2-put-lifecycle", List.of(new Put(2, "tasks", ItemKind.TASK, null, "echo", null, null, null, 9,
        30_000L, "k1", Payload.ofUtf8("{}"))));
    EXAMPLES.put("example-v2-put-ok", List.of(new PutOk(1, "abc-1")));
    EXAMPLES.put("example-v2-deliver", List.of(
        new Deliver(0, 1, TAG, "tasks", ItemKind.TASK, "abc-1", "echo", "tasks.done", 1, 30_000, Payload.ofUtf8("{\"a\":1}"))));
    EXAMPLES.put("example-v2-complete-ok", List.of(new Complete(TAG, true, null, false, Payload.ofUtf8("{\"v\":2}"))));
    EXAMPLES.put("example-v2-complete-failed", List.of(new Complete(TAG, false, "boom", true, Payload.EMPTY)));
    EXAMPLES.put("example-v2-complete-retry", List.of(new Complete(TAG, false, "busy", false, 2_500L, Payload.EMPTY)));
    EXAMPLES.put("example-v2-task-wait-ok", List.of(new TaskWaitOk(3, "abc-1", TaskState.DONE, true, Payload.ofUtf8("{\"ok\":true}"))));
    EXAMPLES.put("example-v2-ack", List.of(new Ack(TAG)));
    EXAMPLES.put("example-v2-release", List.of(new Release(TAG)));
    EXAMPLES.put("example-v2-renew", List.of(new Renew(new long[] {TAG, TAG + 1})));
    EXAMPLES.put("example-v2-two-records", List.of(new Ack(TAG), new Ping(1)));
  }

  private static final Pattern ANCHOR = Pattern.compile("<a id=\"(example-v[12]-[a-z0-9-]+)\"></a>");
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{2}( [0-9a-f]{2})*");

  @Test
  void everyWorkedExampleInTheDocumentIsTheCodecsBytes() throws IOException {
    Map<String, String> blocks = hexBlocks(Files.readString(protocolMd()));
    assertEquals(EXAMPLES.keySet(), blocks.keySet(), "the examples in docs/PROTOCOL.md and the ones this test checks");
    for (Map.Entry<String, List<Message>> e : EXAMPLES.entrySet()) {
      int version = e.getKey().startsWith("example-v1") ? ProtocolVersion.V1 : ProtocolVersion.V2;
      ByteBuf wire = Unpooled.buffer();
      MessageEncoder.encode(new MessageBatch(e.getValue()), wire, version);
      assertEquals(blocks.get(e.getKey()), ByteBufUtil.hexDump(wire), e.getKey() + ": the document's bytes");

      ByteBuf doc = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(blocks.get(e.getKey())));
      ByteBuf frame = doc.readSlice(doc.readInt());
      assertTrue(!doc.isReadable(), e.getKey() + " is one frame");
      assertEquals(e.getValue(), MessageDecoder.decode(frame, version), e.getKey() + ": the document's bytes decode to the message");
    }
  }

  /** Each anchored example's bytes, as one lower-case hex string. */
  static Map<String, String> hexBlocks(String markdown) {
    Map<String, String> blocks = new LinkedHashMap<>();
    Matcher anchors = ANCHOR.matcher(markdown);
    while (anchors.find()) {
      int open = markdown.indexOf("\n```", anchors.end());
      int bodyStart = markdown.indexOf('\n', open + 1) + 1;
      int close = markdown.indexOf("\n```", bodyStart - 1);
      StringBuilder hex = new StringBuilder();
      List<String> lines = new ArrayList<>(markdown.substring(bodyStart, close).lines().toList());
      for (String line : lines) {
        String bytes = line.split(" {2,}", 2)[0].strip();
        assertTrue(HEX.matcher(bytes).matches(), anchors.group(1) + ": not a line of hex bytes: " + line);
        hex.append(bytes.replace(" ", ""));
      }
      blocks.put(anchors.group(1), hex.toString());
    }
    return blocks;
  }

  /** docs/PROTOCOL.md, found from the module directory the tests run in. */
  private static Path protocolMd() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("docs/PROTOCOL.md");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError("docs/PROTOCOL.md not found above " + Path.of("").toAbsolutePath());
  }
}
