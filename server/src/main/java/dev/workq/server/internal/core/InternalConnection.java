package dev.workq.server.internal.core;

import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.Message;
import dev.workq.protocol.Reply;
import java.util.concurrent.CompletableFuture;

/**
 * The connection of a request made inside the broker ({@link BrokerCore#request}), by the HTTP
 * plane: its answer completes a future instead of going to a socket. Only the answer to the one
 * request counts (a reply or ERROR with its corr); anything else the core sends it is dropped,
 * since an internal caller holds no deliveries and subscribes to nothing.
 */
final class InternalConnection implements Connection {

  private final long corr;
  private final CompletableFuture<Message> answer;

  InternalConnection(long corr, CompletableFuture<Message> answer) {
    this.corr = corr;
    this.answer = answer;
  }

  @Override
  public void send(Message message) {
    if ((message instanceof Reply r && r.corr() == corr) || (message instanceof ErrorReply e && e.corr() == corr)) {
      answer.complete(message);
    }
  }

  @Override
  public void closeAfterSent() {
    answer.completeExceptionally(new IllegalStateException("the broker closed the internal request"));
  }

  @Override
  public void execute(Runnable task) {
    task.run();
  }

  @Override
  public void setAutoRead(boolean autoRead) {
    // Nothing is read from an internal connection.
  }
}
