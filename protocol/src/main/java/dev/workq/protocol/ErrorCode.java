package dev.workq.protocol;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;

/** Error codes carried by {@link ErrorReply}. Fatal ones are followed by the broker closing. */
public enum ErrorCode {
  /** The frame or message could not be decoded, or broke the protocol's state rules. */
  PROTOCOL_ERROR,
  /** A frame announced a length over the broker's max-frame. */
  FRAME_TOO_LARGE,
  /** The peer's protocol version is not supported. */
  UNSUPPORTED_VERSION,
  /**
   * A request the broker understood but will not carry out: a payload over the size limit, a
   * default done queue whose name would be too long. (A field that breaks the message's own rules,
   * such as a bad queue name, fails decoding instead: PROTOCOL_ERROR, fatal.)
   */
  INVALID_REQUEST,
  /** A queue holds its maximum number of items. */
  QUEUE_FULL,
  /** An ack, complete or release named a delivery that this connection does not hold. */
  UNKNOWN_DELIVERY,
  /** A cancel named a consumer this connection does not have. */
  UNKNOWN_CONSUMER,
  /**
   * The broker could not make a put durable (disk full, I/O error): the item was not accepted.
   * Deliveries and results go on; puts succeed again once the storage recovers.
   */
  STORAGE_ERROR,
  /** The broker is shutting down. */
  SHUTTING_DOWN,
  /** The broker could not carry out a request because of an internal failure. */
  INTERNAL_ERROR,
  /**
   * The authkey handshake failed: the peer has no key, a different key, or answered a challenge it
   * was not sent. Fatal.
   */
  AUTH_FAILED,
  /** The peer did not finish the handshake within the deadline, or sent nothing for the idle timeout. Fatal. */
  TIMEOUT,
  /** The broker already serves its maximum number of connections. Fatal. */
  CONNECTION_LIMIT,
  /** A fetch would take this connection over its cap of unacked deliveries; ack or complete some first. */
  UNACKED_LIMIT,
  /** The broker, or this connection, has created its maximum number of queues; delete unused ones. */
  QUEUE_LIMIT,
  /** This connection, or the broker, has its maximum number of consumers; cancel some first. */
  CONSUMER_LIMIT,
  /**
   * The items the broker holds have reached its memory budget: puts are refused until consumers
   * take items off. Deliveries, results and acks go on. Retry later.
   */
  MEMORY_LIMIT,
  /** A request named a queue the broker does not have. */
  UNKNOWN_QUEUE,
  /** A queue cannot be deleted while it has consumers, waiting fetches or items in flight. */
  QUEUE_IN_USE,
  /** A queue that still holds items is deleted only when the request says force. */
  QUEUE_NOT_EMPTY,
  /** A task status, wait or cancel named an id the broker does not know (or no longer retains). */
  UNKNOWN_TASK,
  /** The queue was closed (QUEUE_CLOSE): it takes no new tasks or values. Delete it to use the name again. */
  QUEUE_CLOSED,
  /** A results-only consume or fetch named a queue that holds tasks or has workers: a task queue, not a done queue. */
  NOT_A_RESULT_QUEUE,
  /** This connection has its maximum number of task waits and queue joins at once. */
  WAIT_LIMIT,
  /**
   * This broker is a follower of a cluster, or the cluster has no leader yet: it serves nobody.
   * The error's {@code leader} gives the leader's client address when this broker knows it.
   * Fatal; a peer with a list of brokers dials the leader, or the next in its list.
   */
  NOT_LEADER,
  /**
   * A code this peer does not know, sent by a newer broker: read instead of failing the frame.
   * The error's {@code fatal} flag and message still say what happened. Never sent.
   */
  @JsonEnumDefaultValue
  UNKNOWN
}
