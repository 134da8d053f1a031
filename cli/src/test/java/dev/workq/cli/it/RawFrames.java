package dev.workq.cli.it;

import dev.workq.protocol.Message;
import dev.workq.protocol.codec.MessageEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.OutputStream;

/** Writes protocol frames to a plain socket's stream, for tests that play a peer without Netty. */
final class RawFrames {

  private RawFrames() {}

  /** Encodes {@code m} as one frame, writes and flushes it. */
  static void write(OutputStream out, Message m) throws IOException {
    ByteBuf buf = Unpooled.buffer();
    try {
      MessageEncoder.encode(m, buf);
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      out.write(bytes);
      out.flush();
    } finally {
      buf.release();
    }
  }
}
