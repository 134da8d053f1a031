package dev.workq.protocol.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.Ack;
import dev.workq.protocol.Complete;
import dev.workq.protocol.Payload;
import dev.workq.protocol.Ping;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The write queue's ordering under concurrent senders, on a real event loop. The case that
 * matters is a client that acks and then closes while another thread keeps the queue busy: the
 * close must come after the ack, or the broker sees the connection go with the item unacked.
 */
class WriteQueueTest {

  private EventLoopGroup group;
  private Channel server;
  private Channel channel;
  /** What reached the channel's outbound side, in order: messages and "mark" entries. Event loop only. */
  private final List<Object> written = new ArrayList<>();
  /** How many of the writes were batches. Event loop only. */
  private int batches;

  @BeforeEach
  void connect() throws InterruptedException {
    group = new DefaultEventLoopGroup(2);
    LocalAddress address = new LocalAddress("write-queue-test");
    server = new ServerBootstrap().group(group).channel(LocalServerChannel.class)
        .childHandler(new ChannelInboundHandlerAdapter()).bind(address).sync().channel();
    channel = new Bootstrap().group(group).channel(LocalChannel.class)
        .handler(new ChannelOutboundHandlerAdapter() {
          @Override
          public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof MessageBatch batch) {
              batches++;
              written.addAll(batch.messages());
            } else {
              written.add(msg);
            }
            promise.trySuccess();
          }
        }).connect(address).sync().channel();
  }

  @AfterEach
  void close() {
    channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  @Test
  void anActionRunsAfterEverythingQueuedBeforeItEvenWhileAnotherThreadKeepsTheQueueBusy() throws Exception {
    WriteQueue out = new WriteQueue(channel);
    AtomicBoolean running = new AtomicBoolean(true);
    Thread noise = new Thread(() -> {
      long i = 0;
      while (running.get()) {
        out.enqueue(new Ping(i++));
      }
    }, "noise");
    noise.start();
    int rounds = 20_000;
    try {
      for (int round = 0; round < rounds; round++) {
        out.enqueue(new Ack(round));
        String mark = "mark " + round;
        out.afterQueued(() -> written.add(mark));
      }
    } finally {
      running.set(false);
      noise.join(5_000);
    }
    CountDownLatch drained = new CountDownLatch(1);
    out.afterQueued(drained::countDown);
    assertTrue(drained.await(10, TimeUnit.SECONDS), "the queue drained");

    List<Object> seen = channel.eventLoop().submit(() -> new ArrayList<>(written)).get(10, TimeUnit.SECONDS);
    List<Object> ours = seen.stream().filter(o -> !(o instanceof Ping)).toList();
    assertEquals(2 * rounds, ours.size(), "every ack and every mark");
    for (int round = 0; round < rounds; round++) {
      assertEquals(new Ack(round), ours.get(2 * round), "position of ack " + round);
      assertEquals("mark " + round, ours.get(2 * round + 1), "the action of round " + round + " ran right after its ack");
    }
  }

  @Test
  void messagesFromOneThreadAreWrittenInTheOrderQueued() throws Exception {
    WriteQueue out = new WriteQueue(channel);
    for (int i = 0; i < 10_000; i++) {
      out.enqueue(new Ack(i));
    }
    CountDownLatch drained = new CountDownLatch(1);
    out.afterQueued(drained::countDown);
    assertTrue(drained.await(10, TimeUnit.SECONDS), "the queue drained");
    List<Object> seen = channel.eventLoop().submit(() -> new ArrayList<>(written)).get(10, TimeUnit.SECONDS);
    for (int i = 0; i < 10_000; i++) {
      assertEquals(new Ack(i), seen.get(i));
    }
  }

  @Test
  void whatIsQueuedWhileADrainIsPendingLeavesInOneBatch() throws Exception {
    WriteQueue out = new WriteQueue(channel);
    // Keep the event loop busy so the drain cannot start before all ten are queued.
    CountDownLatch hold = holdEventLoop();
    for (int i = 0; i < 10; i++) {
      out.enqueue(new Ack(i));
    }
    hold.countDown();
    int[] counts = drainedCounts(out);
    assertEquals(10, counts[0]);
    assertEquals(1, counts[1], "ten messages queued together are one write");
  }

  @Test
  void aBatchEndsOnceItsPayloadsReach64KiB() throws Exception {
    WriteQueue out = new WriteQueue(channel);
    CountDownLatch hold = holdEventLoop();
    Payload big = Payload.wrap(new byte[40 * 1024]);
    for (int i = 0; i < 6; i++) {
      out.enqueue(new Complete(i, true, null, false, big));
    }
    hold.countDown();
    int[] counts = drainedCounts(out);
    assertEquals(6, counts[0]);
    assertEquals(3, counts[1], "two 40 KiB payloads reach 64 KiB: six make three batches, not one 240 KiB buffer");
  }

  /** Blocks the channel's event loop until the returned latch is counted down. */
  private CountDownLatch holdEventLoop() {
    CountDownLatch hold = new CountDownLatch(1);
    channel.eventLoop().execute(() -> {
      try {
        hold.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    return hold;
  }

  /** Waits until {@code out} has written everything, then answers {messages written, batch writes}. */
  private int[] drainedCounts(WriteQueue out) throws Exception {
    CountDownLatch drained = new CountDownLatch(1);
    out.afterQueued(drained::countDown);
    assertTrue(drained.await(10, TimeUnit.SECONDS), "the queue drained");
    return channel.eventLoop().submit(() -> new int[] {written.size(), batches}).get(10, TimeUnit.SECONDS);
  }
}
