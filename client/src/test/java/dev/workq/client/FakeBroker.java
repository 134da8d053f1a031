package dev.workq.client;

import dev.workq.protocol.Consume;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.Fetch;
import dev.workq.protocol.PeekedItem;
import dev.workq.protocol.QueueClose;
import dev.workq.protocol.QueueCloseOk;
import dev.workq.protocol.QueueJoin;
import dev.workq.protocol.QueueJoinOk;
import dev.workq.protocol.QueuePeek;
import dev.workq.protocol.QueuePeekOk;
import dev.workq.protocol.QueuePurge;
import dev.workq.protocol.QueuePurgeOk;
import dev.workq.protocol.Request;
import dev.workq.protocol.TaskCancel;
import dev.workq.protocol.TaskCancelOk;
import dev.workq.protocol.TaskInfo;
import dev.workq.protocol.TaskState;
import dev.workq.protocol.TaskStatus;
import dev.workq.protocol.TaskStatusOk;
import dev.workq.protocol.TaskWait;
import dev.workq.protocol.TaskWaitOk;
import dev.workq.protocol.ConsumeOk;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.Hello;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Message;
import dev.workq.protocol.Payload;
import dev.workq.protocol.Ping;
import dev.workq.protocol.Pong;
import dev.workq.protocol.ProtocolVersion;
import dev.workq.protocol.Put;
import dev.workq.protocol.PutOk;
import dev.workq.protocol.StatsReply;
import dev.workq.protocol.StatsRequest;
import dev.workq.protocol.Welcome;
import dev.workq.protocol.codec.FrameDecoder;
import dev.workq.protocol.codec.MessageDecoder;
import dev.workq.protocol.codec.MessageEncoder;
import dev.workq.protocol.codec.Frames;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Just enough of a broker for client unit tests, on the real codec: it welcomes every HELLO,
 * answers PINGs unless told to play dead, confirms PUTs and CONSUMEs, runs each submitted task
 * itself (its result goes straight to the task's reply queue) and answers STATS in two pages.
 * For the lifecycle requests it answers by convention: a task id starting with "missing" is
 * unknown, "running" ones never finish (a wait lasts its full timeout), "acked" ones finished with
 * no result record, any other has finished with one;
 * a PUT whose key starts with "dup" is answered with the id "first"; a results-only FETCH on
 * "tasks" is refused as NOT_A_RESULT_QUEUE; a queue named "nope" is unknown; a join waits its
 * timeout on "busy" and succeeds at once on any other queue.
 */
final class FakeBroker implements AutoCloseable {

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel server;
  /** Every connection accepted, to close with the broker: shutting the group down did not always close them. */
  private final List<Channel> children = new CopyOnWriteArrayList<>();
  /** Consumers by queue: where results for that reply queue are pushed. */
  private final Map<String, Long> consumers = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  final List<Hello> hellos = new CopyOnWriteArrayList<>();
  final List<Put> puts = new CopyOnWriteArrayList<>();
  final List<Consume> consumes = new CopyOnWriteArrayList<>();
  /** Lifecycle requests (status, wait, cancel, purge, peek, close, join, fetch) in arrival order. */
  final List<Message> lifecycle = new CopyOnWriteArrayList<>();
  volatile boolean answerPings = true;
  /** Set to keep submitted tasks' results: they stay pending on the client. */
  volatile boolean holdResults;

  FakeBroker() {
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            children.add(ch);
            ch.pipeline().addLast(new FrameDecoder(Frames.DEFAULT_MAX_FRAME), new MessageDecoder(), new MessageEncoder(),
                new SimpleChannelInboundHandler<Message>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, Message m) {
                    answer(ctx, m);
                  }
                });
          }
        }).bind("127.0.0.1", 0).syncUninterruptibly().channel();
  }

  String address() {
    return "127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort();
  }

  ClientOptions.Builder options() {
    return ClientOptions.builder(Map.of()).address(address());
  }

  private void answer(ChannelHandlerContext ctx, Message m) {
    if (m instanceof Hello h) {
      hellos.add(h);
      ctx.pipeline().get(MessageDecoder.class).version(h.version());
      ctx.writeAndFlush(new Welcome(h.version(), "fake", "s" + hellos.size(), null));
      ctx.pipeline().get(MessageEncoder.class).version(h.version());
    } else if (m instanceof Ping p) {
      if (answerPings) {
        ctx.writeAndFlush(new Pong(p.nonce()));
      }
    } else if (m instanceof Consume c) {
      consumes.add(c);
      long consumer = ids.incrementAndGet();
      consumers.put(c.queue(), consumer);
      ctx.writeAndFlush(new ConsumeOk(c.corr(), consumer));
    } else if (m instanceof Put p) {
      puts.add(p);
      String id = p.key() != null && p.key().startsWith("dup") ? "first" : p.id() != null ? p.id() : "item-" + ids.incrementAndGet();
      ctx.write(new PutOk(p.corr(), id));
      Long consumer = p.replyTo() == null ? null : consumers.get(p.replyTo());
      if (p.kind() == ItemKind.TASK && consumer != null && !"first".equals(id) && !holdResults) {
        String result = "{\"id\":\"" + id + "\",\"ok\":true,\"value\":" + new String(p.payload().bytes(), StandardCharsets.UTF_8)
            + ",\"error\":null,\"worker\":\"fake:1\",\"attempts\":1,\"elapsedMs\":0}";
        ctx.write(new Deliver(0, consumer, ids.incrementAndGet(), p.replyTo(), ItemKind.DATA, id + ".result", null, null, 1, 0,
            Payload.wrap(result.getBytes(StandardCharsets.UTF_8))));
      }
      ctx.flush();
    } else if (m instanceof StatsRequest s) {
      dev.workq.protocol.QueueStats q = new dev.workq.protocol.QueueStats(s.cursor() == null ? "a" : "b", 1, 2, 3, 4, 5, 6, 7, 8,
          9, 10, 11, false, 12, false);
      ctx.writeAndFlush(new StatsReply(s.corr(), List.of(q), List.of(), 2, 0, 99, s.cursor() == null ? "b" : null));
    } else if (m instanceof Request) {
      lifecycle.add(m);
      answerLifecycle(ctx, m);
    }
  }

  private void answerLifecycle(ChannelHandlerContext ctx, Message m) {
    if (m instanceof TaskStatus s) {
      List<TaskInfo> infos = s.ids().stream().map(id -> id.startsWith("missing") ? TaskInfo.notFound(id)
          : new TaskInfo(id, TaskState.DELAYED, "q", "echo", 3, 0, 3, null, null, 1_800_000_000_000L, null, "k")).toList();
      ctx.writeAndFlush(new TaskStatusOk(s.corr(), infos));
    } else if (m instanceof TaskWait w) {
      if (w.id().startsWith("missing")) {
        ctx.writeAndFlush(new ErrorReply(w.corr(), ErrorCode.UNKNOWN_TASK, "no task '" + w.id() + "'", false));
      } else if (w.id().startsWith("acked")) {
        ctx.writeAndFlush(new TaskWaitOk(w.corr(), w.id(), TaskState.DONE, true, null));
      } else if (w.id().startsWith("running")) {
        ctx.executor().schedule(() -> ctx.writeAndFlush(new TaskWaitOk(w.corr(), w.id(), TaskState.RUNNING, false, null)),
            w.timeoutMs(), TimeUnit.MILLISECONDS);
      } else {
        String result = "{\"id\":\"" + w.id() + "\",\"ok\":true,\"value\":42,\"error\":null,\"worker\":\"fake:1\",\"attempts\":1,\"elapsedMs\":0}";
        ctx.writeAndFlush(new TaskWaitOk(w.corr(), w.id(), TaskState.DONE, true, Payload.wrap(result.getBytes(StandardCharsets.UTF_8))));
      }
    } else if (m instanceof TaskCancel c) {
      ctx.writeAndFlush(c.id().startsWith("missing") ? new ErrorReply(c.corr(), ErrorCode.UNKNOWN_TASK, "no task '" + c.id() + "'", false)
          : new TaskCancelOk(c.corr(), c.id(), TaskState.READY, true));
    } else if (m instanceof QueuePurge p) {
      ctx.writeAndFlush(unknownQueue(p.corr(), p.queue()) ? noQueue(p.corr(), p.queue())
          : new QueuePurgeOk(p.corr(), p.queue(), 3, 2, 1, p.deadLetters() ? 4 : 0));
    } else if (m instanceof QueuePeek p) {
      ctx.writeAndFlush(new QueuePeekOk(p.corr(), p.queue(), 5, 1, List.of(new PeekedItem("i1", ItemKind.TASK, "echo", 9,
          TaskState.DELAYED, 0, 1_800_000_000_000L, 2, "{}"))));
    } else if (m instanceof QueueClose c) {
      ctx.writeAndFlush(unknownQueue(c.corr(), c.queue()) ? noQueue(c.corr(), c.queue()) : new QueueCloseOk(c.corr(), c.queue(), 7, 2));
    } else if (m instanceof QueueJoin j) {
      if (j.queue().equals("busy")) {
        ctx.executor().schedule(() -> ctx.writeAndFlush(new QueueJoinOk(j.corr(), j.queue(), false, 4)), j.timeoutMs(), TimeUnit.MILLISECONDS);
      } else {
        ctx.writeAndFlush(new QueueJoinOk(j.corr(), j.queue(), true, 0));
      }
    } else if (m instanceof Fetch f) {
      if (f.resultsOnly() && f.queue().equals("tasks")) {
        ctx.writeAndFlush(new ErrorReply(f.corr(), ErrorCode.NOT_A_RESULT_QUEUE,
            "'tasks' holds tasks, not results; did you mean 'tasks.done'?", false));
      } else {
        ctx.writeAndFlush(new Deliver(f.corr(), 0, ids.incrementAndGet(), f.queue(), ItemKind.RESULT, "r1", null, null, 1, 0,
            Payload.wrap("{}".getBytes(StandardCharsets.UTF_8))));
      }
    }
  }

  private static boolean unknownQueue(long corr, String queue) {
    return queue.equals("nope");
  }

  private static ErrorReply noQueue(long corr, String queue) {
    return new ErrorReply(corr, ErrorCode.UNKNOWN_QUEUE, "no queue named '" + queue + "'", false);
  }

  /** Closes the listener and every connection; again is a no-op (a test may close it early, to play a broker that died). */
  @Override
  public void close() {
    if (group.isShuttingDown()) {
      return;
    }
    server.close().syncUninterruptibly();
    children.forEach(c -> c.close().syncUninterruptibly());
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }
}
