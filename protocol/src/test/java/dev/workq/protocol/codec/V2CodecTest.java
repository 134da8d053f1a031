package dev.workq.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.Ack;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Message;
import dev.workq.protocol.Payload;
import dev.workq.protocol.Ping;
import dev.workq.protocol.ProtocolVersion;
import dev.workq.protocol.Put;
import dev.workq.protocol.Release;
import dev.workq.protocol.transport.MessageBatch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Protocol 2's framing on a channel: records per frame, the 64 KiB split, the version switch, a bad record. */
class V2CodecTest {

  private static EmbeddedChannel v2Encoder() {
    MessageEncoder encoder = new MessageEncoder();
    encoder.version(ProtocolVersion.V2);
    return new EmbeddedChannel(encoder);
  }

  private static EmbeddedChannel decoder(MessageDecoder decoder) {
    return new EmbeddedChannel(new FrameDecoder(Frames.DEFAULT_MAX_FRAME), decoder);
  }

  private static MessageDecoder v2Decoder() {
    MessageDecoder decoder = new MessageDecoder();
    decoder.version(ProtocolVersion.V2);
    return decoder;
  }

  /** Frames in {@code wire}: each as the list of its records' lengths (record header included). */
  private static List<List<Integer>> frames(ByteBuf wire) {
    List<List<Integer>> frames = new ArrayList<>();
    ByteBuf w = wire.duplicate();
    while (w.isReadable()) {
      ByteBuf frame = w.readSlice(w.readInt());
      List<Integer> records = new ArrayList<>();
      while (frame.isReadable()) {
        int length = frame.readInt();
        frame.skipBytes(length);
        records.add(4 + length);
      }
      frames.add(records);
    }
    return frames;
  }

  /** Appends {@code messages} as protocol 2 frames. */
  static void v2(List<Message> messages, ByteBuf out) {
    try {
      V2Frames.encode(messages, out);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<Message> acks(int n) {
    List<Message> acks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      acks.add(new Ack(i));
    }
    return acks;
  }

  @Test
  void aBatchLeavesAsOneFrameOfSeveralRecordsInOneBuffer() {
    EmbeddedChannel ch = v2Encoder();
    ch.writeOutbound(new MessageBatch(acks(3)));
    ByteBuf wire = ch.readOutbound();
    assertNull(ch.readOutbound(), "one buffer");
    assertEquals(List.of(List.of(13, 13, 13)), frames(wire), "u32 length + u8 type + i64 tag, three records in one frame");
    assertEquals(4 + 39, wire.readableBytes());
    wire.release();
  }

  @Test
  void aSingleMessageIsAOneRecordFrame() {
    EmbeddedChannel ch = v2Encoder();
    ch.writeOutbound(new Release(5));
    ByteBuf wire = ch.readOutbound();
    assertEquals(List.of(List.of(13)), frames(wire));
    wire.release();
  }

  @Test
  void aNewFrameStartsWhenTheNextRecordWouldTakeTheFrameOver64KiB() {
    // 65,536 / 13 = 5,041 records fit (65,533 bytes); the 5,042nd starts the second frame.
    EmbeddedChannel ch = v2Encoder();
    ch.writeOutbound(new MessageBatch(acks(5_042 + 10)));
    ByteBuf wire = ch.readOutbound();
    List<List<Integer>> frames = frames(wire);
    assertEquals(2, frames.size());
    assertEquals(5_041, frames.get(0).size());
    assertEquals(11, frames.get(1).size());
    ByteBuf w = wire.duplicate();
    assertEquals(5_041 * 13, w.readInt(), "the first frame's body stays within 64 KiB");

    EmbeddedChannel in = decoder(v2Decoder());
    in.writeInbound(wire);
    for (int i = 0; i < 5_052; i++) {
      assertEquals(new Ack(i), in.readInbound());
    }
    assertNull(in.readInbound());
  }

  @Test
  void aRecordBiggerThan64KiBGetsAFrameOfItsOwn() {
    Put big = new Put(1, "q", ItemKind.DATA, null, null, null, null, null, Payload.wrap(new byte[70_000]));
    EmbeddedChannel ch = v2Encoder();
    ch.writeOutbound(new MessageBatch(List.of(new Ack(1), big, new Ack(2), new Ack(3))));
    ByteBuf wire = ch.readOutbound();
    List<List<Integer>> frames = frames(wire);
    assertEquals(3, frames.size(), frames.toString());
    assertEquals(List.of(13), frames.get(0));
    assertEquals(1, frames.get(1).size());
    assertTrue(frames.get(1).get(0) > V2Frames.BATCH_FRAME);
    assertEquals(List.of(13, 13), frames.get(2));
    wire.release();
  }

  @Test
  void aMultiRecordFrameDecodesToItsMessagesInOrder() {
    List<Message> batch = List.of(new Ack(1), new Ping(2), CodecTest.SAMPLES.get(4), new Release(3), CodecTest.SAMPLES.get(11));
    ByteBuf wire = Unpooled.buffer();
    v2(batch, wire);
    assertEquals(1, frames(wire).size());
    EmbeddedChannel in = decoder(v2Decoder());
    in.writeInbound(wire);
    for (Message m : batch) {
      assertEquals(m, in.readInbound());
    }
    assertNull(in.readInbound());
  }

  @Test
  void framesBeforeTheVersionSwitchReadAsProtocol1AndThoseAfterAsProtocol2() throws Exception {
    MessageDecoder decoder = new MessageDecoder();
    EmbeddedChannel in = decoder(decoder);
    ByteBuf v1 = Unpooled.buffer();
    MessageEncoder.encode(new Ping(1), v1, ProtocolVersion.V1);
    ByteBuf v2 = Unpooled.buffer();
    MessageEncoder.encode(new MessageBatch(List.of(new Ping(2), new Ack(3))), v2, ProtocolVersion.V2);
    in.writeInbound(v1);
    assertEquals(new Ping(1), in.readInbound());
    decoder.version(ProtocolVersion.V2);
    in.writeInbound(v2);
    assertEquals(new Ping(2), in.readInbound());
    assertEquals(new Ack(3), in.readInbound());

    // The other way round: a v1 frame read as v2 is refused, not misread.
    ByteBuf late = Unpooled.buffer();
    MessageEncoder.encode(new Ping(4), late, ProtocolVersion.V1);
    assertThrows(DecoderException.class, () -> in.writeInbound(late));
  }

  @Test
  void theEncoderSwitchesBetweenMessagesAndWritesEachInItsVersion() {
    MessageEncoder encoder = new MessageEncoder();
    EmbeddedChannel ch = new EmbeddedChannel(encoder);
    ch.writeOutbound(new Ack(1));
    encoder.version(ProtocolVersion.V2);
    ch.writeOutbound(new Ack(2));
    ByteBuf first = ch.readOutbound();
    ByteBuf second = ch.readOutbound();
    assertEquals(List.of(new Ack(1)), MessageDecoder.decode(first.skipBytes(4), ProtocolVersion.V1));
    assertEquals(List.of(new Ack(2)), MessageDecoder.decode(second.skipBytes(4), ProtocolVersion.V2));
    first.release();
    second.release();
  }

  @Test
  void aBadRecordInTheMiddleLetsTheRecordsBeforeItOutThenDropsTheRestAndEveryLaterFrame() {
    ByteBuf wire = Unpooled.buffer();
    int start = wire.writerIndex();
    wire.writeInt(0);
    wire.writeInt(9).writeByte(11).writeLong(1);          // ACK 1
    wire.writeInt(9).writeByte(13).writeLong(2);          // RELEASE 2
    wire.writeInt(9).writeByte(200).writeLong(3);         // type 200: no such message
    wire.writeInt(9).writeByte(11).writeLong(4);          // ACK 4, behind the bad record
    wire.setInt(start, wire.writerIndex() - start - 4);
    ByteBuf later = Unpooled.buffer();
    v2(List.of(new Ack(5)), later);

    EmbeddedChannel in = decoder(v2Decoder());
    DecoderException e = assertThrows(DecoderException.class, () -> in.writeInbound(wire));
    ProtocolException pe = assertInstanceOf(ProtocolException.class, e.getCause());
    assertEquals(ErrorCode.PROTOCOL_ERROR, pe.code());
    assertTrue(pe.getMessage().contains("unknown message type 200"), pe.getMessage());
    assertEquals(new Ack(1), in.readInbound());
    assertEquals(new Release(2), in.readInbound());
    assertNull(in.readInbound(), "ACK 4 is dropped");
    in.writeInbound(later);
    assertNull(in.readInbound(), "every later frame is dropped");
  }

  @Test
  void aBadFrameAndAGoodOneInTheSameReadLeaveOnlyWhatCameBeforeTheBadRecord() {
    ByteBuf wire = Unpooled.buffer();
    v2(List.of(new Ack(1)), wire);
    wire.writeInt(5).writeInt(0).writeByte(0);             // a record of length 0
    v2(List.of(new Ack(2)), wire);
    EmbeddedChannel in = decoder(v2Decoder());
    DecoderException e = assertThrows(DecoderException.class, () -> in.writeInbound(wire));
    assertTrue(e.getCause().getMessage().contains("length 0"), e.getCause().getMessage());
    assertEquals(new Ack(1), in.readInbound());
    assertNull(in.readInbound());
  }
}
