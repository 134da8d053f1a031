package dev.workq.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.Ping;
import dev.workq.protocol.Pong;
import dev.workq.protocol.PutOk;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link HeartbeatHandler} on an {@link EmbeddedChannel}, its timer driven by the channel's virtual clock. */
class HeartbeatHandlerTest {

  private static final long EVERY_MS = 100;
  private static final long TIMEOUT_MS = 300;

  private final List<Object> events = new ArrayList<>();
  private EmbeddedChannel channel;

  @BeforeEach
  void setUp() {
    channel = new EmbeddedChannel();
    channel.freezeTime();
    channel.pipeline().addLast(HeartbeatHandler.NAME, new HeartbeatHandler(EVERY_MS, TIMEOUT_MS));
    channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        events.add(evt);
      }
    });
  }

  private void tick() {
    channel.advanceTimeBy(EVERY_MS, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
  }

  @Test
  void pingsOncePerIntervalAndNotBefore() {
    channel.advanceTimeBy(EVERY_MS - 1, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertNull(channel.readOutbound(), "no PING before the first interval");
    channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertEquals(new Ping(1), channel.readOutbound());
    channel.writeInbound(new Pong(1));
    tick();
    assertEquals(new Ping(2), channel.readOutbound());
  }

  @Test
  void pongsKeepTheConnectionOpenAndAreSwallowed() {
    for (int i = 0; i < 10; i++) {
      tick();
      Ping ping = channel.readOutbound();
      assertTrue(channel.writeInbound(new Pong(ping.nonce())) == false, "a PONG goes no further");
    }
    assertTrue(channel.isOpen(), "ten intervals with a PONG each: alive");
    assertTrue(events.isEmpty());
  }

  @Test
  void anyInboundFrameCountsAsLifeAndPassesOn() {
    for (int i = 0; i < 10; i++) {
      tick();
      channel.readOutbound();
      channel.writeInbound(new PutOk(i + 1, "id-" + i));
      assertEquals(new PutOk(i + 1, "id-" + i), channel.readInbound());
    }
    assertTrue(channel.isOpen());
  }

  @Test
  void closesWithAReasonWhenTheBrokerStaysSilentForTheTimeout() {
    tick();
    tick();
    assertTrue(channel.isOpen(), "200 ms of silence is under the 300 ms timeout");
    tick();
    assertFalse(channel.isOpen(), "300 ms without a frame closes the connection");
    HeartbeatHandler.Timeout timeout = assertInstanceOf(HeartbeatHandler.Timeout.class, events.get(0));
    assertEquals("no answer from the broker for 300 ms (heartbeat timeout 300 ms)", timeout.reason());
  }

  @Test
  void silenceIsCountedFromTheLastFrame() {
    tick();
    tick();
    channel.writeInbound(new Pong(2));
    tick();
    tick();
    assertTrue(channel.isOpen(), "the PONG reset the count");
    tick();
    tick();
    assertFalse(channel.isOpen());
  }

  @Test
  void answersTheBrokersPings() {
    assertFalse(channel.writeInbound(new Ping(42)), "a PING goes no further");
    assertEquals(new Pong(42), channel.readOutbound());
  }

  @Test
  void stopsPingingOnceRemoved() {
    channel.pipeline().remove(HeartbeatHandler.NAME);
    tick();
    tick();
    tick();
    tick();
    assertNull(channel.readOutbound());
    assertTrue(channel.isOpen(), "a removed heartbeat closes nothing");
  }
}
