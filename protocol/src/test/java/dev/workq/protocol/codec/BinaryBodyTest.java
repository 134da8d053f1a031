package dev.workq.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.Ack;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Message;
import dev.workq.protocol.MessageType;
import dev.workq.protocol.PutOk;
import dev.workq.protocol.ProtocolVersion;
import dev.workq.protocol.Put;
import dev.workq.protocol.Renew;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Protocol 2's record and body rules: every defect is a fatal PROTOCOL_ERROR that says what is wrong. */
class BinaryBodyTest {

  /** A frame body of one record: type and body bytes. */
  private static ByteBuf record(MessageType type, ByteBuf body) {
    return Unpooled.buffer().writeInt(1 + body.readableBytes()).writeByte(type.code()).writeBytes(body);
  }

  private static List<Message> decode(ByteBuf frameBody) {
    return MessageDecoder.decode(frameBody, ProtocolVersion.V2);
  }

  private static void refused(ByteBuf frameBody, String expected) {
    ProtocolException e = assertThrows(ProtocolException.class, () -> decode(frameBody));
    assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  private static ByteBuf str(ByteBuf b, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    return b.writeShort(bytes.length).writeBytes(bytes);
  }

  private static ByteBuf put(int kind, int flags) {
    return str(Unpooled.buffer().writeLong(1).writeByte(kind).writeByte(flags), "q");
  }

  @Test
  void aRecordLengthBelowOneOrPastTheFrameIsRefusedNamingIt() {
    refused(Unpooled.buffer().writeInt(0).writeByte(11), "record 1 at byte 0 of the frame has length 0");
    ByteBuf two = Unpooled.buffer().writeInt(9).writeByte(11).writeLong(1).writeInt(50).writeByte(11);
    refused(two, "record 2 at byte 13 of the frame has length 50, past the frame's end (1 bytes left)");
    refused(Unpooled.buffer().writeInt(9).writeByte(11).writeLong(1).writeShort(0), "too few for its length field");
  }

  @Test
  void anUnknownTypeIsRefused() {
    refused(record(MessageType.ACK, Unpooled.buffer()).setByte(4, 99), "unknown message type 99");
  }

  @Test
  void aShortBodyAndLeftoverBytesAreRefused() {
    refused(record(MessageType.ACK, Unpooled.buffer().writeInt(1)), "ACK body of 4 bytes ends inside tag");
    refused(record(MessageType.ACK, Unpooled.buffer().writeLong(1).writeByte(0)), "ACK body of 9 bytes has 1 bytes after its last field");
    refused(record(MessageType.PUT_OK, Unpooled.buffer().writeLong(1).writeShort(10).writeByte('a')), "ends inside id");
    refused(record(MessageType.PUT, put(1, 0x02).writeShort(5)), "ends inside handler");
    refused(record(MessageType.DELIVER, Unpooled.buffer().writeLong(0).writeLong(1)), "ends inside tag");
  }

  @Test
  void aFlagBitThisVersionDoesNotDefineIsRefused() {
    refused(record(MessageType.COMPLETE, Unpooled.buffer().writeLong(1).writeByte(0x10)),
        "COMPLETE flags 0x10 set a bit protocol 2 does not define for COMPLETE (defined: 0x0f)");
    ByteBuf waitOk = Unpooled.buffer().writeLong(1).writeByte(5).writeByte(0x02);
    refused(record(MessageType.TASK_WAIT_OK, str(waitOk, "t-1")), "defined: 0x01");
    ByteBuf deliver = Unpooled.buffer().writeLong(0).writeLong(1).writeLong(2).writeByte(1).writeByte(0x80).writeInt(1).writeLong(0);
    refused(record(MessageType.DELIVER, str(deliver, "q")), "defined: 0x07");
  }

  @Test
  void malformedUtf8IsRefusedAndWellFormedUtf8IsRead() {
    byte[][] bad = {{(byte) 0xc3}, {(byte) 0xc0, (byte) 0x80}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xff}, {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}};
    for (byte[] b : bad) {
      ByteBuf body = Unpooled.buffer().writeLong(1).writeShort(b.length).writeBytes(b);
      refused(record(MessageType.PUT_OK, body), "PUT_OK id is not well-formed UTF-8");
    }
    ByteBuf good = str(Unpooled.buffer().writeLong(1), "é日\uD83D\uDE00");
    assertEquals(List.of(new PutOk(1, "é日\uD83D\uDE00")), decode(record(MessageType.PUT_OK, good)));
  }

  @Test
  void anUnknownKindByteReadsAsUnknown() {
    Put p = (Put) decode(record(MessageType.PUT, put(77, 0))).get(0);
    assertEquals(ItemKind.UNKNOWN, p.kind());
    ByteBuf deliver = Unpooled.buffer().writeLong(0).writeLong(1).writeLong(2).writeByte(0).writeByte(0).writeInt(1).writeLong(0);
    assertEquals(ItemKind.UNKNOWN, ((Deliver) decode(record(MessageType.DELIVER, str(deliver, "q"))).get(0)).kind());
  }

  @Test
  void aValueTheRecordRefusesIsAnInvalidMessage() {
    refused(record(MessageType.PUT, str(Unpooled.buffer().writeLong(1).writeByte(3).writeByte(0), "a b")), "invalid PUT: queue: 'a b'");
    refused(record(MessageType.PUT, put(1, 0)), "invalid PUT: handler is required");
    refused(record(MessageType.PUT, put(3, 0x08).writeInt(0)), "invalid PUT: maxAttempts must be 1..100, got 0");
  }

  @Test
  void renewCountsAreCheckedBeforeAnythingIsAllocatedAndMustFitExactly() {
    refused(record(MessageType.RENEW, Unpooled.buffer().writeInt(Renew.MAX_TAGS + 1)), "count 65537 is over the 65536 tags");
    refused(record(MessageType.RENEW, Unpooled.buffer().writeInt(-1)), "count 4294967295 is over");
    refused(record(MessageType.RENEW, Unpooled.buffer().writeInt(2).writeLong(1)), "count 2 needs 16 bytes of tags, but 8 follow it");
    refused(record(MessageType.RENEW, Unpooled.buffer().writeInt(1).writeLong(1).writeByte(0)), "but 9 follow it");
    assertEquals(List.of(new Renew(new long[] {7})), decode(record(MessageType.RENEW, Unpooled.buffer().writeInt(1).writeLong(7))));
  }

  @Test
  void theJsonBodiesOfProtocol2RefuseRepeatedKeysAndReadUnknownNamesAsUnknown() {
    ByteBuf dup = record(MessageType.ERROR, Unpooled.copiedBuffer("{\"corr\":1,\"corr\":2}", StandardCharsets.UTF_8));
    refused(dup, "malformed ERROR body: Duplicate field 'corr'");
    ByteBuf unknown = record(MessageType.ERROR,
        Unpooled.copiedBuffer("{\"corr\":0,\"code\":\"NEWER\",\"message\":\"m\",\"fatal\":true}", StandardCharsets.UTF_8));
    assertEquals(ErrorCode.UNKNOWN, ((ErrorReply) decode(unknown).get(0)).code());
    refused(record(MessageType.PING, Unpooled.buffer()), "PING body");
  }

  @Test
  void theRepeatedKindThatUsedToPutAStopIsRefusedInBothVersions() {
    String header = "{\"corr\":1,\"queue\":\"q\",\"kind\":\"DATA\",\"kind\":\"STOP\"}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuf v1 = Unpooled.buffer().writeByte(MessageType.PUT.code()).writeInt(h.length).writeBytes(h);
    ProtocolException e = assertThrows(ProtocolException.class, () -> MessageDecoder.decode(v1, ProtocolVersion.V1));
    assertTrue(e.getMessage().contains("Duplicate field 'kind'"), e.getMessage());
    // In protocol 2 a PUT is binary: one kind byte, nothing to repeat; the same JSON is no PUT body.
    refused(record(MessageType.PUT, Unpooled.wrappedBuffer(h)), "PUT");
  }

  @Test
  void aMessageTheBinaryLayoutCannotHoldIsRefusedBeforeAnyOfItIsWritten() {
    ByteBuf out = Unpooled.buffer();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> V2Frames.encode(List.of(new Ack(1), new PutOk(1, null)), out));
    assertTrue(e.getMessage().contains("PUT_OK needs an id"), e.getMessage());
    Deliver longHandler = new Deliver(0, 1, 2, "q", ItemKind.TASK, "i", "h".repeat(70_000), null, 1, 0, null);
    e = assertThrows(IllegalArgumentException.class, () -> V2Frames.encode(List.of(longHandler), Unpooled.buffer()));
    assertTrue(e.getMessage().contains("DELIVER handler is 70000 bytes of UTF-8, over the 65535"), e.getMessage());
  }
}
