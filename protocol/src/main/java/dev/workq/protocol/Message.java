package dev.workq.protocol;

/**
 * One protocol message. Every message is an immutable record; its {@link MessageType} is its tag
 * on the wire. See docs/PROTOCOL.md for the frame layout and the meaning of each field.
 */
public sealed interface Message
    permits Hello, Welcome, ErrorReply, Put, PutOk, Consume, ConsumeOk, Cancel, CancelOk, Deliver,
        Ack, Complete, Release, Fetch, FetchEmpty, StatsRequest, StatsReply, Ping, Pong, Renew, DeadLetters,
        DeadLettersReply, AuthChallenge, AuthResponse, AuthOk, DeleteQueue, DeleteQueueOk, TaskStatus, TaskStatusOk,
        TaskWait, TaskWaitOk, TaskCancel, TaskCancelOk, Revoke, QueuePurge, QueuePurgeOk, QueuePeek, QueuePeekOk, QueueClose,
        QueueCloseOk, QueueJoin, QueueJoinOk {

  /** The tag this message is framed with. */
  default MessageType type() {
    return MessageType.of(this);
  }
}
