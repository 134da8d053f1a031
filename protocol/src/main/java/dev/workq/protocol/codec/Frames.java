package dev.workq.protocol.codec;

/**
 * The length prefix and its limits, shared by both versions, and protocol 1's frame layout
 * ({@link V1Frames}; protocol 2's records are in {@link V2Frames}):
 * <pre>
 *   u32 length        bytes after this field, 5 .. max-frame
 *   u8  type          {@link dev.workq.protocol.MessageType} code
 *   u32 headerLength  bytes of the JSON header, 0 .. length - 5
 *   ... header        UTF-8 JSON object: the message's fields except its payload
 *   ... payload       the remaining bytes, opaque
 * </pre>
 * All integers are big-endian.
 */
public final class Frames {

  /** Bytes of the length prefix. */
  public static final int LENGTH_FIELD = 4;
  /** Smallest frame body: the type byte and the header length. */
  public static final int MIN_BODY = 5;
  /** Default largest frame body a peer accepts: 16 MiB. */
  public static final int DEFAULT_MAX_FRAME = 16 * 1024 * 1024;

  private Frames() {}
}
