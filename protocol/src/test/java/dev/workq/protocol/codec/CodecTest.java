package dev.workq.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.Ack;
import dev.workq.protocol.Cancel;
import dev.workq.protocol.CancelOk;
import dev.workq.protocol.Complete;
import dev.workq.protocol.Consume;
import dev.workq.protocol.DeadLetter;
import dev.workq.protocol.DeadLetters;
import dev.workq.protocol.DeadLettersReply;
import dev.workq.protocol.DeleteQueue;
import dev.workq.protocol.DeleteQueueOk;
import dev.workq.protocol.Renew;
import dev.workq.protocol.ConsumeOk;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.AuthChallenge;
import dev.workq.protocol.AuthOk;
import dev.workq.protocol.BrokerLimits;
import dev.workq.protocol.AuthResponse;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.Fetch;
import dev.workq.protocol.FetchEmpty;
import dev.workq.protocol.Hello;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Message;
import dev.workq.protocol.MessageType;
import dev.workq.protocol.Payload;
import dev.workq.protocol.Ping;
import dev.workq.protocol.Pong;
import dev.workq.protocol.Put;
import dev.workq.protocol.PutOk;
import dev.workq.protocol.QueueStats;
import dev.workq.protocol.PeekedItem;
import dev.workq.protocol.QueueClose;
import dev.workq.protocol.QueueCloseOk;
import dev.workq.protocol.QueueJoin;
import dev.workq.protocol.QueueJoinOk;
import dev.workq.protocol.QueuePeek;
import dev.workq.protocol.QueuePeekOk;
import dev.workq.protocol.QueuePurge;
import dev.workq.protocol.QueuePurgeOk;
import dev.workq.protocol.Release;
import dev.workq.protocol.Revoke;
import dev.workq.protocol.TaskCancel;
import dev.workq.protocol.TaskCancelOk;
import dev.workq.protocol.TaskInfo;
import dev.workq.protocol.TaskState;
import dev.workq.protocol.TaskStatus;
import dev.workq.protocol.TaskStatusOk;
import dev.workq.protocol.TaskWait;
import dev.workq.protocol.TaskWaitOk;
import dev.workq.protocol.Role;
import dev.workq.protocol.StatsReply;
import dev.workq.protocol.StatsRequest;
import dev.workq.protocol.Welcome;
import dev.workq.protocol.WorkerInfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CodecTest {

  static final List<Message> SAMPLES = List.of(
      new Hello(1, Role.WORKER, "w1", "host-a", 4242, List.of("echo", "pi")),
      new Welcome(1, "workq/0.1", "s-1"),
      new Welcome(1, "workq/0.1", "s-2", 300_000L),
      new ErrorReply(7, ErrorCode.QUEUE_FULL, "queue 'a' is full", false),
      new Put(1, "tasks", ItemKind.TASK, "id-1", "echo", "tasks.done", 5, 30_000L, Payload.ofUtf8("{\"x\":1}")),
      new Put(2, "tasks", ItemKind.STOP, null, null, null, null, null, null),
      new PutOk(1, "id-1"),
      new Consume(3, "tasks", 64),
      new ConsumeOk(3, 9),
      new Cancel(4, 9),
      new CancelOk(4),
      new Deliver(0, 9, 77, "tasks", ItemKind.TASK, "id-1", "echo", "tasks.done", 2, 30_000, Payload.ofUtf8("[1,2]")),
      new Ack(77),
      new Complete(77, true, null, false, Payload.ofUtf8("{\"ok\":true}")),
      new Complete(78, false, "java.lang.IllegalStateException: boom", true, Payload.ofUtf8("{\"ok\":false}")),
      new Release(77),
      new Fetch(5, "tasks.done", 1000),
      new FetchEmpty(5),
      new StatsRequest(6),
      new StatsRequest(6, "qtasks"),
      new Consume(8, "tasks", 4, List.of("echo", "pi")),
      new DeleteQueue(9, "tasks", true),
      new DeleteQueueOk(9, "tasks", 12),
      new StatsReply(6, List.of(new QueueStats("tasks", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, true, 12, true)),
          List.of(new WorkerInfo("w1", "h", 1, List.of("echo"), 0, "7")), 2, 3, 4096),
      new StatsReply(6, List.of(), List.of(), 0, 0, 0, "w17"),
      new Renew(new long[] {77, 78}),
      new DeadLetters(7, "tasks", DeadLetters.Action.LIST, null, 100),
      new DeadLettersReply(7, "tasks", 1, 1, List.of(new DeadLetter("id-1", "echo", 3, 1, List.of("e1", "e2"), "{}"))),
      new AuthChallenge("bm9uY2U="),
      new AuthResponse("aG1hYw==", "bm9uY2U="),
      new AuthOk("aG1hYw=="),
      new Ping(11),
      new Pong(11),
      new Welcome(2, "workq/0.2", "s-3", 300_000L, new BrokerLimits(16_777_216, 16_773_120, 8192, 10_000, 300_000, 10_000, 64,
          1024, 1024, 64L << 20, 1_000_000, 1L << 30, 1L << 31, 10_000, 1000, 100_000, 1024, 16L << 20, 1024, 16, 1024, 3_600_000L)),
      ErrorReply.aboutDelivery(77, ErrorCode.UNKNOWN_DELIVERY, "no delivery 77"),
      new Put(3, "tasks", ItemKind.UNKNOWN, null, null, null, null, null, null),
      new Deliver(7, 0, 1L << 40, "tasks", ItemKind.DATA, "é-日本語-\uD83D\uDE00", null, null, 1, 0, Payload.EMPTY),
      new Complete(79, false, null, false, Payload.EMPTY),
      new Renew(new long[0]),
      new Put(4, "tasks", ItemKind.TASK, null, "echo", null, null, null, 9, 30_000L, "order-17", Payload.ofUtf8("{}")),
      new Complete(80, false, "java.io.IOException: busy", false, 2_500L, Payload.ofUtf8("{\"ok\":false}")),
      new Consume(12, "tasks.done", 16, null, true),
      new Fetch(13, "tasks.done", 1000, true),
      new TaskStatus(14, List.of("t-1", "t-2")),
      new TaskStatusOk(14, List.of(new TaskInfo("t-1", TaskState.RUNNING, "tasks", "echo", 3, 2, 3, "host:42", 1_700_000_000_000L,
          null, "java.io.IOException: busy", "order-17"), TaskInfo.notFound("t-2"))),
      new TaskWait(15, "t-1", 30_000),
      new TaskWaitOk(15, "t-1", TaskState.DONE, true, Payload.ofUtf8("{\"id\":\"t-1\",\"ok\":true}")),
      new TaskWaitOk(16, "t-3", TaskState.DELAYED, false, Payload.EMPTY),
      new TaskCancel(17, "t-1"),
      new TaskCancelOk(17, "t-1", TaskState.READY, true),
      new Revoke(1L << 40 | 5, "t-1"),
      new QueuePurge(18, "tasks", true),
      new QueuePurgeOk(18, "tasks", 10, 2, 1, 3),
      new QueuePeek(19, "tasks", 10),
      new QueuePeekOk(19, "tasks", 4, 1, List.of(new PeekedItem("t-4", ItemKind.TASK, "echo", 0, TaskState.READY, 0, null, 7,
          "{\"x\":1}"), new PeekedItem("t-5", ItemKind.TASK, "echo", 2, TaskState.DELAYED, 0, 1_700_000_000_000L, 2, "{}"))),
      new QueueClose(20, "tasks"),
      new QueueCloseOk(20, "tasks", 5, 2),
      new QueueJoin(21, "tasks", 60_000),
      new QueueJoinOk(21, "tasks", true, 0),
      new Hello(2, Role.WORKER, "w2", "host-a", 4243, List.of(), List.of(Hello.STOP_ACK)));

  private static EmbeddedChannel decoderChannel(int maxFrame) {
    return new EmbeddedChannel(new FrameDecoder(maxFrame), new MessageDecoder());
  }

  private static ByteBuf encode(Message m) throws Exception {
    ByteBuf buf = Unpooled.buffer();
    MessageEncoder.encode(m, buf);
    return buf;
  }

  @Test
  void everyMessageTypeHasASampleAndRoundTrips() throws Exception {
    Set<MessageType> covered = SAMPLES.stream().map(Message::type).collect(Collectors.toSet());
    assertEquals(EnumSet.allOf(MessageType.class), covered);
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(Frames.DEFAULT_MAX_FRAME), new MessageDecoder(), new MessageEncoder());
    for (Message m : SAMPLES) {
      ch.writeOutbound(m);
      ByteBuf wire = ch.readOutbound();
      ch.writeInbound(wire);
      Message back = ch.readInbound();
      assertEquals(m, back, "round trip of " + m.type());
    }
    ch.finishAndReleaseAll();
  }

  @Test
  void payloadTravelsOutsideTheJsonHeader() throws Exception {
    ByteBuf buf = encode(new Put(1, "q", ItemKind.DATA, null, null, null, null, null, Payload.ofUtf8("PAYLOAD")));
    buf.skipBytes(5);
    int headerLength = buf.readInt();
    String header = buf.readCharSequence(headerLength, StandardCharsets.UTF_8).toString();
    assertTrue(!header.contains("PAYLOAD") && !header.contains("payload"), header);
    assertEquals("PAYLOAD", buf.toString(StandardCharsets.UTF_8));
  }

  @Test
  void reassemblesFramesSplitAtEveryByte() throws Exception {
    ByteBuf all = Unpooled.buffer();
    for (Message m : SAMPLES) {
      MessageEncoder.encode(m, all);
    }
    EmbeddedChannel ch = decoderChannel(Frames.DEFAULT_MAX_FRAME);
    Random random = new Random(42);
    while (all.isReadable()) {
      int n = Math.min(all.readableBytes(), 1 + random.nextInt(7));
      ch.writeInbound(all.readRetainedSlice(n));
    }
    for (Message m : SAMPLES) {
      assertEquals(m, ch.readInbound());
    }
    assertNull(ch.readInbound());
  }

  @Test
  void partialFrameProducesNothingUntilComplete() throws Exception {
    ByteBuf frame = encode(new Ping(3));
    EmbeddedChannel ch = decoderChannel(Frames.DEFAULT_MAX_FRAME);
    ch.writeInbound(frame.readRetainedSlice(frame.readableBytes() - 1));
    assertNull(ch.readInbound());
    ch.writeInbound(frame.readRetainedSlice(1));
    assertEquals(new Ping(3), ch.readInbound());
  }

  @Test
  void oversizedFrameIsRefusedFromItsLengthAlone() {
    EmbeddedChannel ch = decoderChannel(1024);
    ByteBuf header = Unpooled.buffer().writeInt(1025).writeByte(MessageType.PING.code());
    DecoderException e = assertThrows(DecoderException.class, () -> ch.writeInbound(header));
    ProtocolException pe = assertInstanceOf(ProtocolException.class, e.getCause());
    assertEquals(ErrorCode.FRAME_TOO_LARGE, pe.code());
    assertTrue(pe.getMessage().contains("1025"), pe.getMessage());
  }

  @Test
  void aFrameOverTheHandshakeLimitIsRefusedNamingTheLimitAndWhenItApplies() {
    FrameDecoder frames = new FrameDecoder(1 << 20);
    frames.handshakeMaxFrame(8192);
    EmbeddedChannel ch = new EmbeddedChannel(frames, new MessageDecoder());
    DecoderException e = assertThrows(DecoderException.class, () -> ch.writeInbound(Unpooled.buffer().writeInt(8193)));
    ProtocolException pe = assertInstanceOf(ProtocolException.class, e.getCause());
    assertEquals(ErrorCode.FRAME_TOO_LARGE, pe.code());
    assertTrue(pe.getMessage().contains("8193") && pe.getMessage().contains("limit of 8192 bytes")
        && pe.getMessage().contains("before the handshake"), pe.getMessage());

    frames.maxFrame(1 << 20);
    assertEquals(1 << 20, frames.maxFrame());
  }

  @Test
  void heldBytesIsTheCapacityOfAPartialFrameAndZeroOnceItIsDecoded() throws Exception {
    FrameDecoder frames = new FrameDecoder(Frames.DEFAULT_MAX_FRAME);
    EmbeddedChannel ch = new EmbeddedChannel(frames, new MessageDecoder());
    assertEquals(0, frames.heldBytes());
    ByteBuf frame = encode(new Ping(3));
    ByteBuf part = Unpooled.buffer(4096).writeBytes(frame, 0, frame.readableBytes() - 1);
    ch.writeInbound(part);
    assertTrue(frames.heldBytes() >= 4096, "counts the buffer's capacity, not the bytes received: " + frames.heldBytes());
    ch.writeInbound(frame.skipBytes(frame.readableBytes() - 1));
    assertEquals(new Ping(3), ch.readInbound());
    assertEquals(0, frames.heldBytes());
    ch.finishAndReleaseAll();
  }

  @Test
  void tooShortFrameIsRefused() {
    EmbeddedChannel ch = decoderChannel(1024);
    DecoderException e = assertThrows(DecoderException.class, () -> ch.writeInbound(Unpooled.buffer().writeInt(2).writeShort(0)));
    assertEquals(ErrorCode.PROTOCOL_ERROR, ((ProtocolException) e.getCause()).code());
  }

  @Test
  void unknownMessageTypeIsAProtocolError() {
    EmbeddedChannel ch = decoderChannel(1024);
    ByteBuf frame = Unpooled.buffer().writeInt(7).writeByte(200).writeInt(2).writeShort('{' << 8 | '}');
    DecoderException e = assertThrows(DecoderException.class, () -> ch.writeInbound(frame));
    ProtocolException pe = (ProtocolException) e.getCause();
    assertEquals(ErrorCode.PROTOCOL_ERROR, pe.code());
    assertTrue(pe.getMessage().contains("unknown message type 200"), pe.getMessage());
  }

  @Test
  void malformedHeaderJsonIsAProtocolError() {
    assertProtocolError(frame(MessageType.PUT, "{\"corr\":1,\"queue\":", ""), "malformed PUT header");
  }

  @Test
  void headerLongerThanFrameIsAProtocolError() {
    ByteBuf frame = Unpooled.buffer().writeInt(9).writeByte(MessageType.PING.code()).writeInt(100).writeInt(0);
    assertProtocolError(frame, "longer than");
  }

  @Test
  void invalidFieldValueIsAProtocolError() {
    assertProtocolError(frame(MessageType.CONSUME, "{\"corr\":1,\"queue\":\"q\",\"prefetch\":0}", ""), "prefetch");
    assertProtocolError(frame(MessageType.PUT, "{\"corr\":1,\"queue\":\"a b\",\"kind\":\"DATA\"}", ""), "queue");
    assertProtocolError(frame(MessageType.PUT, "{\"corr\":1,\"queue\":\"q\",\"kind\":{}}", ""), "PUT");
  }

  @Test
  void anUnknownEnumNameReadsAsUnknownInsteadOfFailingTheFrame() {
    EmbeddedChannel ch = decoderChannel(Frames.DEFAULT_MAX_FRAME);
    ch.writeInbound(frame(MessageType.PUT, "{\"corr\":1,\"queue\":\"q\",\"kind\":\"NOPE\"}", ""));
    assertEquals(ItemKind.UNKNOWN, ((Put) ch.readInbound()).kind());
    ch.writeInbound(frame(MessageType.ERROR, "{\"corr\":0,\"code\":\"FROM_THE_FUTURE\",\"message\":\"m\",\"fatal\":true}", ""));
    assertEquals(ErrorCode.UNKNOWN, ((ErrorReply) ch.readInbound()).code());
  }

  @Test
  void anEnumGivenAsANumberIsAProtocolErrorNotAnIndex() {
    assertProtocolError(frame(MessageType.PUT, "{\"corr\":1,\"queue\":\"q\",\"kind\":0}", ""), "PUT");
  }

  @Test
  void aRepeatedKeyIsAProtocolErrorInEveryHeader() {
    // Before databind-only headers, a one-field message failed here while PUT kept the last value:
    // this header put a STOP.
    assertProtocolError(frame(MessageType.PUT, "{\"corr\":1,\"queue\":\"q\",\"kind\":\"DATA\",\"kind\":\"STOP\"}", ""),
        "Duplicate field 'kind'");
    assertProtocolError(frame(MessageType.ACK, "{\"tag\":5,\"tag\":6}", ""), "Duplicate field 'tag'");
    assertProtocolError(frame(MessageType.STATS, "{\"corr\":1,\"future\":1,\"future\":2}", ""), "Duplicate field 'future'");
  }

  @Test
  void theSameMessagesGiveTheSameProtocol1BytesAsBeforeTheFastPathWasRemoved() throws Exception {
    // Bytes the hand-written writer produced (it matched databind, which now writes alone).
    assertEquals("{\"corr\":1,\"queue\":\"tasks\",\"kind\":\"TASK\",\"id\":\"id-1\",\"handler\":\"echo\",\"replyTo\":\"tasks.done\",\"maxAttempts\":5,\"leaseMs\":30000}",
        header(SAMPLES.get(4)));
    assertEquals("{\"corr\":0,\"consumer\":9,\"tag\":77,\"queue\":\"tasks\",\"kind\":\"TASK\",\"id\":\"id-1\",\"handler\":\"echo\",\"replyTo\":\"tasks.done\",\"attempts\":2,\"leaseMs\":30000}",
        header(SAMPLES.get(11)));
    assertEquals("{\"tag\":77,\"ok\":true,\"permanent\":false}", header(SAMPLES.get(13)));
    assertEquals("{\"tag\":78,\"ok\":false,\"error\":\"java.lang.IllegalStateException: boom\",\"permanent\":true}", header(SAMPLES.get(14)));
    assertEquals("{\"corr\":1,\"id\":\"id-1\"}", header(new PutOk(1, "id-1")));
    assertEquals("{\"tag\":77}", header(new Ack(77)));
    assertEquals("{\"corr\":7,\"code\":\"QUEUE_FULL\",\"message\":\"queue 'a' is full\",\"fatal\":false}", header(SAMPLES.get(3)));
    assertEquals("{\"corr\":0,\"code\":\"UNKNOWN_DELIVERY\",\"message\":\"m\",\"fatal\":false,\"tag\":9}",
        header(ErrorReply.aboutDelivery(9, ErrorCode.UNKNOWN_DELIVERY, "m")));
  }

  private static String header(Message m) throws Exception {
    ByteBuf buf = encode(m);
    buf.skipBytes(5);
    return buf.readCharSequence(buf.readInt(), StandardCharsets.UTF_8).toString();
  }

  @Test
  void trailingBytesOnAPayloadlessMessageAreAProtocolError() {
    assertProtocolError(frame(MessageType.PING, "{\"nonce\":1}", "xx"), "carries no payload");
  }

  @Test
  void noClassNameInJsonCanInstantiateAnything() {
    ByteBuf f = frame(MessageType.STATS_OK, "{\"corr\":1,\"queues\":[[\"java.net.URL\",\"http://x\"]]}", "");
    assertProtocolError(f, "STATS_OK");
  }

  private static ByteBuf frame(MessageType type, String header, String payload) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    byte[] p = payload.getBytes(StandardCharsets.UTF_8);
    return Unpooled.buffer().writeInt(5 + h.length + p.length).writeByte(type.code()).writeInt(h.length).writeBytes(h).writeBytes(p);
  }

  private static void assertProtocolError(ByteBuf frame, String expected) {
    EmbeddedChannel ch = decoderChannel(Frames.DEFAULT_MAX_FRAME);
    DecoderException e = assertThrows(DecoderException.class, () -> ch.writeInbound(frame));
    ProtocolException pe = assertInstanceOf(ProtocolException.class, e.getCause());
    assertEquals(ErrorCode.PROTOCOL_ERROR, pe.code());
    assertTrue(pe.getMessage().contains(expected), pe.getMessage());
  }
}
