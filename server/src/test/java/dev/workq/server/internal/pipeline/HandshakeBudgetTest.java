package dev.workq.server.internal.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.Hello;
import dev.workq.protocol.Message;
import dev.workq.protocol.ProtocolVersion;
import dev.workq.protocol.Role;
import dev.workq.protocol.Welcome;
import dev.workq.protocol.codec.FrameDecoder;
import dev.workq.protocol.codec.Frames;
import dev.workq.protocol.codec.MessageDecoder;
import dev.workq.protocol.codec.MessageEncoder;
import dev.workq.server.BrokerOptions;
import dev.workq.server.HandshakeStats;
import dev.workq.server.ListenOptions;
import dev.workq.server.internal.core.BrokerCore;
import dev.workq.server.internal.core.CoreConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The account of connections in their handshake: who is evicted (the oldest, of the address or of
 * those holding bytes), that an eviction tells the peer why and closes it, that every connection
 * leaves the account exactly once (welcomed, closed, or evicted and then closed), and what
 * {@link HandshakeStats} reports. On embedded channels: an eviction is a task on the victim's
 * event loop, run here with {@code runPendingTasks}.
 */
class HandshakeBudgetTest {

  private final List<EmbeddedChannel> channels = new ArrayList<>();

  @AfterEach
  void tearDown() {
    for (EmbeddedChannel ch : channels) {
      ch.finishAndReleaseAll();
    }
  }

  private EmbeddedChannel channel() {
    EmbeddedChannel ch = new EmbeddedChannel(new MessageEncoder());
    channels.add(ch);
    return ch;
  }

  private void runEvictions() {
    for (EmbeddedChannel ch : channels) {
      ch.runPendingTasks();
    }
  }

  /** The ERROR an evicted plaintext peer was sent. */
  private static ErrorReply errorSentTo(EmbeddedChannel ch) throws Exception {
    ByteBuf wire = ch.readOutbound();
    EmbeddedChannel peer = new EmbeddedChannel(new FrameDecoder(Frames.DEFAULT_MAX_FRAME), new MessageDecoder());
    peer.writeInbound(wire);
    Message m = peer.readInbound();
    peer.finishAndReleaseAll();
    return assertInstanceOf(ErrorReply.class, m);
  }

  @Test
  void anAddressOverItsCapLosesItsOldestConnectionNotTheNewOne() throws Exception {
    HandshakeBudget budget = new HandshakeBudget(3, 1 << 20, false);
    List<EmbeddedChannel> fromA = new ArrayList<>();
    List<HandshakeBudget.Entry> entries = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      EmbeddedChannel ch = channel();
      fromA.add(ch);
      entries.add(budget.admit(ch, "10.0.0.1"));
    }
    EmbeddedChannel fromB = channel();
    budget.admit(fromB, "10.0.0.2");
    runEvictions();

    assertFalse(fromA.get(0).isOpen(), "the oldest goes first");
    assertFalse(fromA.get(1).isOpen(), "then the next oldest");
    for (EmbeddedChannel ch : fromA.subList(2, 5)) {
      assertTrue(ch.isOpen(), "the newest three stay");
    }
    assertTrue(fromB.isOpen(), "another address is not affected");
    ErrorReply error = errorSentTo(fromA.get(0));
    assertEquals(ErrorCode.CONNECTION_LIMIT, error.code());
    assertTrue(error.fatal());
    assertTrue(error.message().contains("10.0.0.1") && error.message().contains("max-handshakes-per-address 3"), error.message());
    assertFalse(error.message().contains("\n"));
    assertEquals(new HandshakeStats(4, 0, 2, 0), budget.stats());

    // The evicted connections' own close releases nothing twice.
    budget.release(entries.get(0));
    budget.release(entries.get(1));
    assertEquals(4, budget.stats().connections());
  }

  @Test
  void overItsCapAnAddressLosesItsOldestStalledConnectionBeforeAnOlderOneThatHoldsNothing() {
    HandshakeBudget budget = new HandshakeBudget(2, 1 << 20, false);
    EmbeddedChannel good = channel();
    budget.admit(good, "10.0.0.1");
    EmbeddedChannel stalled = channel();
    budget.hold(budget.admit(stalled, "10.0.0.1"), 4096);
    EmbeddedChannel newest = channel();
    budget.admit(newest, "10.0.0.1");
    runEvictions();

    assertTrue(good.isOpen(), "a connection whose HELLO came whole holds nothing: it is not the first to go");
    assertFalse(stalled.isOpen(), "the stalled one goes, though it is younger");
    assertTrue(newest.isOpen());
    assertEquals(new HandshakeStats(2, 0, 1, 0), budget.stats());
  }

  @Test
  void aConnectionWelcomedBeforeItsEvictionRanOnItsEventLoopStaysOpen() {
    HandshakeBudget budget = new HandshakeBudget(1, 1 << 20, false);
    EmbeddedChannel first = channel();
    budget.admit(first, "10.0.0.1");
    EmbeddedChannel second = channel();
    budget.admit(second, "10.0.0.1");
    // The eviction of the first was decided under the lock; before it runs on the first's event
    // loop, the first finishes its handshake there.
    first.attr(DispatchHandler.SESSION).set(new dev.workq.server.internal.core.Session("1", new dev.workq.server.internal.core.ChannelConnection(first),
        new dev.workq.protocol.Hello(1, dev.workq.protocol.Role.CLIENT, "c", "h", 1, List.of()), 16, 16,
        new dev.workq.server.internal.core.InboundBudget(1 << 20)));
    runEvictions();

    assertTrue(first.isOpen(), "a welcomed connection is never closed for a handshake budget");
    assertNull(first.readOutbound(), "nor sent the eviction's ERROR");
    assertTrue(second.isOpen());
  }

  @Test
  void overTheByteBudgetTheOldestHoldingBytesGoUntilTheRestFit() throws Exception {
    HandshakeBudget budget = new HandshakeBudget(100, 100_000, false);
    EmbeddedChannel quiet = channel();
    budget.admit(quiet, "a");
    List<EmbeddedChannel> holders = new ArrayList<>();
    List<HandshakeBudget.Entry> entries = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      EmbeddedChannel ch = channel();
      holders.add(ch);
      HandshakeBudget.Entry e = budget.admit(ch, "b" + i);
      entries.add(e);
      budget.hold(e, 30_000);
    }
    runEvictions();
    // 4 x 30,000 > 100,000: the oldest holder goes; the older but empty connection stays, since
    // closing it would free nothing.
    assertTrue(quiet.isOpen());
    assertFalse(holders.get(0).isOpen());
    assertTrue(holders.get(1).isOpen() && holders.get(2).isOpen() && holders.get(3).isOpen());
    assertEquals(new HandshakeStats(4, 90_000, 0, 1), budget.stats());
    ErrorReply error = errorSentTo(holders.get(0));
    assertEquals(ErrorCode.CONNECTION_LIMIT, error.code());
    assertTrue(error.message().contains("handshake-buffer-budget 100000"), error.message());

    // One that grows past the budget evicts older holders first, then itself if still needed.
    budget.hold(entries.get(3), 80_000);
    runEvictions();
    assertFalse(holders.get(1).isOpen());
    assertFalse(holders.get(2).isOpen());
    assertTrue(holders.get(3).isOpen(), "alone it fits");
    assertEquals(new HandshakeStats(2, 80_000, 0, 3), budget.stats());

    // Its bytes shrink back as the frame completes; a later report for an evicted entry is ignored.
    budget.hold(entries.get(3), 0);
    budget.hold(entries.get(0), 50_000);
    assertEquals(new HandshakeStats(2, 0, 0, 3), budget.stats());
  }

  @Test
  void releaseCountsOnlyOnce() {
    HandshakeBudget budget = new HandshakeBudget(2, 1 << 20, false);
    HandshakeBudget.Entry e = budget.admit(channel(), "a");
    budget.hold(e, 4096);
    budget.release(e);
    budget.release(e);
    budget.hold(e, 8192);
    assertEquals(new HandshakeStats(0, 0, 0, 0), budget.stats());
    // The address's slots are free again.
    EmbeddedChannel one = channel();
    EmbeddedChannel two = channel();
    budget.admit(one, "a");
    budget.admit(two, "a");
    runEvictions();
    assertTrue(one.isOpen() && two.isOpen());
  }

  @Test
  void aTlsBrokerJustClosesAnEvictedPeer() {
    HandshakeBudget budget = new HandshakeBudget(1, 1 << 20, true);
    EmbeddedChannel first = channel();
    budget.admit(first, "a");
    budget.admit(channel(), "a");
    runEvictions();
    assertFalse(first.isOpen());
    assertNull(first.readOutbound(), "nothing a TLS peer could not read");
  }

  @Test
  void theOptionsAreChecked() {
    assertEquals(8192, BrokerOptions.builder().build().listen().handshakeMaxFrame());
    assertEquals(2048, BrokerOptions.builder().listen(l -> l.maxFrame(2048)).build().listen().handshakeMaxFrame(), "capped at max-frame");
    IllegalArgumentException small = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> BrokerOptions.builder().listen(l -> l.handshakeMaxFrame(1023)));
    assertTrue(small.getMessage().startsWith("handshakeMaxFrame"), small.getMessage());
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> BrokerOptions.builder().listen(l -> l.maxHandshakesPerAddress(0)));
    IllegalArgumentException budget = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> BrokerOptions.builder().listen(l -> l.handshakeMaxFrame(1 << 20).handshakeBufferBudget(1 << 20)).build());
    assertTrue(budget.getMessage().contains("4 x handshakeMaxFrame"), budget.getMessage());
  }

  // ---- in the broker's pipeline ----

  /** The broker's pipeline with a real core, on embedded channels that all count as one address. */
  private static final class Pipelines implements AutoCloseable {
    final BrokerCore core = BrokerCore.inMemory(CoreConfig.unbounded(100, 1 << 20, 3, 30_000, 1000, 60_000));
    final BrokerChannelInitializer init;

    Pipelines(BrokerOptions options) {
      init = new BrokerChannelInitializer(options, core, "workq/test");
    }

    EmbeddedChannel open() {
      return new EmbeddedChannel(init);
    }

    @Override
    public void close() {
      core.close();
    }
  }

  private static ByteBuf encode(Message m) throws Exception {
    ByteBuf buf = Unpooled.buffer();
    MessageEncoder.encode(m, buf);
    return buf;
  }

  private static Hello hello() {
    return new Hello(ProtocolVersion.V1, Role.CLIENT, "t", "h", 1, List.of());
  }

  @Test
  void aPartialFrameIsCountedByItsBufferAndReleasedAtTheWelcome() throws Exception {
    try (Pipelines p = new Pipelines(BrokerOptions.builder().build())) {
      EmbeddedChannel ch = p.open();
      assertEquals(1, p.init.handshakeStats().connections());
      ByteBuf whole = encode(hello());
      // The first read's buffer becomes the decoder's cumulation: its capacity is what it costs.
      ByteBuf first = Unpooled.buffer(2048).writeBytes(whole, 7);
      ch.pipeline().fireChannelRead(first);
      assertEquals(2048, p.init.handshakeStats().bytesHeld());

      ch.pipeline().fireChannelRead(whole);
      awaitOutbound(p, ch);
      assertInstanceOf(Welcome.class, decode(ch.readOutbound()));
      assertEquals(new HandshakeStats(0, 0, 0, 0), p.init.handshakeStats());
      assertNull(ch.pipeline().get(HandshakeBudgetHandler.NAME), "the budget stands down once the peer is welcomed");
      ch.close();
      assertEquals(new HandshakeStats(0, 0, 0, 0), p.init.handshakeStats(), "closing after the welcome releases nothing twice");
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void aConnectionClosedBeforeItsHandshakeLeavesTheAccount() throws Exception {
    try (Pipelines p = new Pipelines(BrokerOptions.builder().build())) {
      EmbeddedChannel ch = p.open();
      ch.pipeline().fireChannelRead(Unpooled.buffer(4096).writeInt(8000).writeZero(100));
      assertEquals(new HandshakeStats(1, 4096, 0, 0), p.init.handshakeStats());
      ch.close();
      assertEquals(new HandshakeStats(0, 0, 0, 0), p.init.handshakeStats());
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void aFrameOverTheHandshakeLimitIsRefusedFromItsLength() throws Exception {
    try (Pipelines p = new Pipelines(BrokerOptions.builder().build())) {
      EmbeddedChannel ch = p.open();
      ch.pipeline().fireChannelRead(Unpooled.buffer(4).writeInt(ListenOptions.DEFAULT_HANDSHAKE_MAX_FRAME + 1));
      ErrorReply error = assertInstanceOf(ErrorReply.class, decode(ch.readOutbound()));
      assertEquals(ErrorCode.FRAME_TOO_LARGE, error.code());
      assertTrue(error.message().contains("limit of 8192 bytes that applies before the handshake"), error.message());
      ch.close();
      assertEquals(0, p.init.handshakeStats().connections());
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void stalledConnectionsOverTheBudgetAreClosedOldestFirst() throws Exception {
    // Room for 4 buffers of 64 KiB; 6 stalled connections each hold one.
    try (Pipelines p = new Pipelines(BrokerOptions.builder().listen(l -> l.handshakeBufferBudget(256 * 1024)).build())) {
      List<EmbeddedChannel> stalled = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        EmbeddedChannel ch = p.open();
        stalled.add(ch);
        ch.pipeline().fireChannelRead(Unpooled.buffer(64 * 1024).writeInt(8000).writeZero(4000));
      }
      for (EmbeddedChannel ch : stalled) {
        ch.runPendingTasks();
      }
      assertFalse(stalled.get(0).isOpen());
      assertFalse(stalled.get(1).isOpen());
      for (EmbeddedChannel ch : stalled.subList(2, 6)) {
        assertTrue(ch.isOpen());
      }
      ErrorReply error = assertInstanceOf(ErrorReply.class, decode(stalled.get(0).readOutbound()));
      assertEquals(ErrorCode.CONNECTION_LIMIT, error.code());
      assertEquals(new HandshakeStats(4, 256 * 1024, 0, 2), p.init.handshakeStats());
      for (EmbeddedChannel ch : stalled) {
        ch.close();
        ch.finishAndReleaseAll();
      }
      assertEquals(new HandshakeStats(0, 0, 0, 2), p.init.handshakeStats());
    }
  }

  /** The core answers the HELLO from its own thread, through a drain task on the channel's loop. */
  private static void awaitOutbound(Pipelines p, EmbeddedChannel ch) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (ch.outboundMessages().isEmpty() && System.nanoTime() < deadline) {
      p.core.stats().get(5, TimeUnit.SECONDS);
      ch.runPendingTasks();
    }
  }

  private static Message decode(ByteBuf wire) throws Exception {
    EmbeddedChannel peer = new EmbeddedChannel(new FrameDecoder(Frames.DEFAULT_MAX_FRAME), new MessageDecoder());
    peer.writeInbound(wire);
    Message m = peer.readInbound();
    peer.finishAndReleaseAll();
    return m;
  }
}
