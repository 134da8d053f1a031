package dev.workq.protocol;

import java.util.HashMap;
import java.util.Map;

/** The one-byte type tag of each message on the wire. Codes never change meaning once published. */
public enum MessageType {
  HELLO(1, Hello.class),
  WELCOME(2, Welcome.class),
  ERROR(3, ErrorReply.class),
  PUT(4, Put.class),
  PUT_OK(5, PutOk.class),
  CONSUME(6, Consume.class),
  CONSUME_OK(7, ConsumeOk.class),
  CANCEL(8, Cancel.class),
  CANCEL_OK(9, CancelOk.class),
  DELIVER(10, Deliver.class),
  ACK(11, Ack.class),
  COMPLETE(12, Complete.class),
  RELEASE(13, Release.class),
  FETCH(14, Fetch.class),
  FETCH_EMPTY(15, FetchEmpty.class),
  STATS(16, StatsRequest.class),
  STATS_OK(17, StatsReply.class),
  PING(18, Ping.class),
  PONG(19, Pong.class),
  RENEW(20, Renew.class),
  DEAD_LETTERS(21, DeadLetters.class),
  DEAD_LETTERS_OK(22, DeadLettersReply.class),
  AUTH_CHALLENGE(23, AuthChallenge.class),
  AUTH_RESPONSE(24, AuthResponse.class),
  AUTH_OK(25, AuthOk.class),
  DELETE_QUEUE(26, DeleteQueue.class),
  DELETE_QUEUE_OK(27, DeleteQueueOk.class),
  TASK_STATUS(28, TaskStatus.class),
  TASK_STATUS_OK(29, TaskStatusOk.class),
  TASK_WAIT(30, TaskWait.class),
  TASK_WAIT_OK(31, TaskWaitOk.class),
  TASK_CANCEL(32, TaskCancel.class),
  TASK_CANCEL_OK(33, TaskCancelOk.class),
  REVOKE(34, Revoke.class),
  QUEUE_PURGE(35, QueuePurge.class),
  QUEUE_PURGE_OK(36, QueuePurgeOk.class),
  QUEUE_PEEK(37, QueuePeek.class),
  QUEUE_PEEK_OK(38, QueuePeekOk.class),
  QUEUE_CLOSE(39, QueueClose.class),
  QUEUE_CLOSE_OK(40, QueueCloseOk.class),
  QUEUE_JOIN(41, QueueJoin.class),
  QUEUE_JOIN_OK(42, QueueJoinOk.class);

  private static final MessageType[] BY_CODE = new MessageType[256];
  private static final Map<Class<?>, MessageType> BY_CLASS = new HashMap<>();

  static {
    for (MessageType t : values()) {
      BY_CODE[t.code] = t;
      BY_CLASS.put(t.messageClass, t);
    }
  }

  private final int code;
  private final Class<? extends Message> messageClass;

  MessageType(int code, Class<? extends Message> messageClass) {
    this.code = code;
    this.messageClass = messageClass;
  }

  public int code() {
    return code;
  }

  public Class<? extends Message> messageClass() {
    return messageClass;
  }

  /** The type with {@code code}, or null when no message has that code. */
  public static MessageType fromCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }

  static MessageType of(Message message) {
    return BY_CLASS.get(message.getClass());
  }
}
