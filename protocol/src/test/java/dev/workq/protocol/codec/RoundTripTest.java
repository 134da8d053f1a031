package dev.workq.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.workq.protocol.Message;
import dev.workq.protocol.MessageType;
import dev.workq.protocol.ProtocolVersion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every message type, and seeded random messages, encode and decode back to themselves in both versions. */
class RoundTripTest {

  @ParameterizedTest
  @ValueSource(ints = {ProtocolVersion.V1, ProtocolVersion.V2})
  void everyMessageTypeRoundTripsAlone(int version) throws Exception {
    assertEquals(EnumSet.allOf(MessageType.class), CodecTest.SAMPLES.stream().map(Message::type).collect(Collectors.toSet()));
    for (Message m : CodecTest.SAMPLES) {
      assertEquals(List.of(m), roundTrip(List.of(m), version), m.type() + " in protocol " + version);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {ProtocolVersion.V1, ProtocolVersion.V2})
  void everyMessageTypeRoundTripsInOneBatch(int version) throws Exception {
    assertEquals(CodecTest.SAMPLES, roundTrip(CodecTest.SAMPLES, version));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void randomMessagesRoundTripInBothVersions(long seed) throws Exception {
    RandomMessages random = new RandomMessages(seed);
    for (int round = 0; round < 200; round++) {
      List<Message> batch = new java.util.ArrayList<>();
      int n = 1 + (int) Math.floorMod(random.num(), 20);
      for (int i = 0; i < n; i++) {
        batch.add(random.next());
      }
      for (int version : new int[] {ProtocolVersion.V1, ProtocolVersion.V2}) {
        assertEquals(batch, roundTrip(batch, version), "seed " + seed + ", round " + round + ", protocol " + version);
      }
    }
  }

  /** Encodes {@code messages} as one batch, then splits the frames and decodes each. */
  static List<Message> roundTrip(List<Message> messages, int version) throws Exception {
    ByteBuf wire = Unpooled.buffer();
    MessageEncoder.encode(new dev.workq.protocol.transport.MessageBatch(messages), wire, version);
    List<Message> back = new java.util.ArrayList<>();
    while (wire.isReadable()) {
      int length = wire.readInt();
      MessageDecoder.decode(wire.readSlice(length), version, back);
    }
    return back;
  }
}
