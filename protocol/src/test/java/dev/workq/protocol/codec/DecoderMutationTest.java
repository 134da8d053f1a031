package dev.workq.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.workq.protocol.Message;
import dev.workq.protocol.ProtocolVersion;
import dev.workq.protocol.transport.MessageBatch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded mutations of valid streams in both versions (truncations, flipped bytes, lengths set to
 * 0, past the end or to extremes, bytes inserted or removed): whatever comes of it, the decoder
 * may only hand on messages or fail with a {@link ProtocolException}. Nothing else may escape;
 * the jazzer fuzz test ({@link CodecFuzzTest}) goes further when run for real.
 */
class DecoderMutationTest {

  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13, 14, 15, 16, 17, 18})
  void onlyProtocolExceptionsEscapeTheDecoder(long seed) throws Exception {
    Random r = new Random(seed);
    RandomMessages messages = new RandomMessages(seed);
    int failures = 0;
    for (int round = 0; round < 1_000; round++) {
      int version = r.nextBoolean() ? ProtocolVersion.V1 : ProtocolVersion.V2;
      List<Message> batch = new ArrayList<>();
      for (int i = 1 + r.nextInt(6); i > 0; i--) {
        batch.add(messages.next());
      }
      ByteBuf wire = Unpooled.buffer();
      MessageEncoder.encode(new MessageBatch(batch), wire, version);
      byte[] bytes = mutate(wire, r);
      MessageDecoder decoder = new MessageDecoder();
      decoder.version(version);
      EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(1 << 20), decoder);
      try {
        ch.writeInbound(Unpooled.wrappedBuffer(bytes));
      } catch (DecoderException e) {
        if (!(e.getCause() instanceof ProtocolException)) {
          throw new AssertionError("seed " + seed + ", round " + round + ": " + e.getCause(), e.getCause());
        }
        failures++;
      }
      Object m;
      while ((m = ch.readInbound()) != null) {
        // Whatever came through must be a message that writes again in its version.
        MessageEncoder.encode((Message) m, Unpooled.buffer(), version);
      }
    }
    assertEquals(true, failures > 300, "the mutations reach the error paths: " + failures + " failures");
  }

  private static byte[] mutate(ByteBuf wire, Random r) {
    byte[] b = new byte[wire.readableBytes()];
    wire.readBytes(b);
    int n = b.length;
    switch (r.nextInt(7)) {
      case 0 -> b = java.util.Arrays.copyOf(b, r.nextInt(n));                       // truncated
      case 1 -> {                                                                    // flipped bytes
        for (int i = 1 + r.nextInt(4); i > 0; i--) {
          b[r.nextInt(n)] ^= (byte) (1 << r.nextInt(8));
        }
      }
      case 2 -> b[r.nextInt(n)] = (byte) r.nextInt(256);                              // one byte replaced
      case 3 -> setInt(b, 4 + r.nextInt(Math.max(1, n - 8)), lengthValue(r));          // a length (or anything) rewritten
      case 4 -> setInt(b, 0, lengthValue(r));                                         // the frame length
      case 5 -> {                                                                     // a byte removed
        int at = r.nextInt(n);
        byte[] c = new byte[n - 1];
        System.arraycopy(b, 0, c, 0, at);
        System.arraycopy(b, at + 1, c, at, n - at - 1);
        b = c;
      }
      default -> {                                                                    // a byte inserted
        int at = r.nextInt(n + 1);
        byte[] c = new byte[n + 1];
        System.arraycopy(b, 0, c, 0, at);
        c[at] = (byte) r.nextInt(256);
        System.arraycopy(b, at, c, at + 1, n - at);
        b = c;
      }
    }
    return b;
  }

  private static int lengthValue(Random r) {
    return switch (r.nextInt(5)) {
      case 0 -> 0;
      case 1 -> 1;
      case 2 -> -1;
      case 3 -> Integer.MAX_VALUE;
      default -> r.nextInt(100_000);
    };
  }

  private static void setInt(byte[] b, int at, int value) {
    if (at + 4 <= b.length) {
      b[at] = (byte) (value >>> 24);
      b[at + 1] = (byte) (value >>> 16);
      b[at + 2] = (byte) (value >>> 8);
      b[at + 3] = (byte) value;
    }
  }
}
