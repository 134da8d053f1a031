package dev.workq.protocol.codec;

import dev.workq.protocol.Message;
import io.netty.buffer.ByteBuf;

/**
 * The binary body of one message type in protocol 2 (docs/PROTOCOL.md §2a): what follows the
 * record's type byte. One implementation per layout, looked up by type code in
 * {@link BodyLayouts}; the other types' bodies are their JSON.
 */
interface BodyLayout {

  /**
   * The bytes {@link #write} will append for {@code m}; checks that {@code m} can be written, so a
   * batch's writer knows the record's size, and its frame, before it writes a byte of it.
   *
   * @throws IllegalArgumentException if the layout cannot hold {@code m} (a required string is
   *     null, a string is over 65,535 bytes)
   */
  int size(Message m);

  /** Appends {@code m}'s body. */
  void write(Message m, ByteBuf out);

  /** Reads a whole body; a defect is a {@link ProtocolException}. */
  Message read(BodyReader body);
}
