package dev.workq.protocol;

/** Error codes carried by {@link ErrorReply}. Fatal ones are followed by the broker closing. */
public enum ErrorCode {
  /** The frame or message could not be decoded, or broke the protocol's state rules. */
  PROTOCOL_ERROR,
  /** A frame announced a length over the broker's max-frame. */
  FRAME_TOO_LARGE,
  /** The peer's protocol version is not supported. */
  UNSUPPORTED_VERSION,
  /** A field's value is not allowed (bad queue name, prefetch out of range, ...). */
  INVALID_REQUEST,
  /** A queue holds its maximum number of items. */
  QUEUE_FULL,
  /** An ack, complete or release named a delivery that this connection does not hold. */
  UNKNOWN_DELIVERY,
  /** A cancel named a consumer this connection does not have. */
  UNKNOWN_CONSUMER,
  /** The broker is shutting down. */
  SHUTTING_DOWN,
  /** The broker could not carry out a request because of an internal failure. */
  INTERNAL_ERROR
}
