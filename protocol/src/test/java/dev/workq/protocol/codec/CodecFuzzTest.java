package dev.workq.protocol.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.workq.protocol.Message;
import dev.workq.protocol.ProtocolVersion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.util.List;

/**
 * Fuzzes what a stranger controls: the byte stream into {@link FrameDecoder} and
 * {@link MessageDecoder}, and a single frame body into the message parser of each version. The only failure either
 * may show is a {@link ProtocolException} (wrapped in Netty's {@link DecoderException} on a
 * channel); any other exception, an out-of-memory or a message that decodes but cannot be encoded
 * again is a finding.
 *
 * <p>In a normal test run each method replays its committed corpus
 * ({@code src/test/resources/dev/workq/protocol/codec/CodecFuzzTestInputs/<method>/}). To fuzz for
 * real (docs/SECURITY.md):
 * <pre>
 * JAZZER_FUZZ=1 JAZZER_MAX_DURATION=10m mvn -pl protocol test -Dtest='CodecFuzzTest#frameStream'
 * </pre>
 */
class CodecFuzzTest {

  /** Small, so that the fuzzer reaches the too-long path, as well as whole frames, quickly. */
  private static final int MAX_FRAME = 4096;

  /**
   * The first byte picks the size of the chunks the rest arrives in (1 to 256 bytes), so partial
   * frames split at every offset get exercised too.
   */
  @FuzzTest(maxDuration = "10m")
  void frameStream(byte[] data) throws IOException {
    if (data.length == 0) {
      return;
    }
    int chunk = (data[0] & 0xff) + 1;
    EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX_FRAME), new MessageDecoder());
    try {
      for (int i = 1; i < data.length; i += chunk) {
        channel.writeInbound(Unpooled.wrappedBuffer(data, i, Math.min(chunk, data.length - i)));
        Message m;
        while ((m = channel.readInbound()) != null) {
          reencode(m, ProtocolVersion.V1);
        }
      }
      channel.finishAndReleaseAll();
    } catch (DecoderException e) {
      // The broker closes the connection at the first protocol error; nothing else may come out.
      // (Not closing the channel here: its decoders would see the same bad bytes again on close.)
      if (!(e.getCause() instanceof ProtocolException)) {
        throw e;
      }
    }
  }

  /**
   * One frame body straight into the parser, as the fuzzer mutates it, read as protocol 1 and as
   * protocol 2 (the same bytes are a different frame in each): whatever either accepts must
   * encode again in its version.
   */
  @FuzzTest(maxDuration = "10m")
  void messageBody(byte[] body) throws IOException {
    for (int version : new int[] {ProtocolVersion.V1, ProtocolVersion.V2}) {
      List<Message> messages;
      try {
        messages = MessageDecoder.decode(Unpooled.wrappedBuffer(body), version);
      } catch (ProtocolException e) {
        continue;
      }
      for (Message m : messages) {
        reencode(m, version);
      }
    }
  }

  /** What was accepted must be a valid message: it encodes, and decodes to a message of the same type. */
  private static void reencode(Message m, int version) throws IOException {
    ByteBuf buf = Unpooled.buffer();
    try {
      MessageEncoder.encode(m, buf, version);
      buf.skipBytes(Frames.LENGTH_FIELD);
      Message again = MessageDecoder.decode(buf, version).get(0);
      if (again.type() != m.type()) {
        throw new AssertionError(m.type() + " decoded again as " + again.type());
      }
    } finally {
      buf.release();
    }
  }
}
