package dev.workq.server.internal.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.BrokerLimits;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.Hello;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Message;
import dev.workq.protocol.Payload;
import dev.workq.protocol.Ping;
import dev.workq.protocol.Pong;
import dev.workq.protocol.ProtocolVersion;
import dev.workq.protocol.Put;
import dev.workq.protocol.PutOk;
import dev.workq.protocol.QueueStats;
import dev.workq.protocol.Role;
import dev.workq.protocol.StatsReply;
import dev.workq.protocol.Welcome;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.codec.FrameDecoder;
import dev.workq.protocol.codec.Frames;
import dev.workq.protocol.codec.MessageDecoder;
import dev.workq.protocol.codec.MessageEncoder;
import dev.workq.protocol.transport.MessageBatch;
import dev.workq.server.BrokerOptions;
import dev.workq.server.internal.core.BrokerCore;
import dev.workq.server.internal.core.CoreConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The broker's pipeline as {@link BrokerChannelInitializer} assembles it, on an embedded channel,
 * with a real {@link BrokerCore} behind it.
 *
 * <p>The core answers from its own thread through the session's write queue, which schedules a
 * drain task on the channel's event loop. An embedded event loop is a plain, single-threaded task
 * queue run by the test thread, so the test never runs it while the core may be adding to it:
 * inbound bytes are fired into the pipeline directly (not with {@code writeInbound}, which runs
 * pending tasks at once), and tasks run only after a barrier on the core thread
 * ({@code core.stats()} completes after everything submitted before it).
 */
class BrokerPipelineTest {

  private static final int MAX_FRAME = 1024;
  private static final BrokerOptions OPTIONS = BrokerOptions.builder().listen(l -> l.maxFrame(MAX_FRAME)).build();
  private static final long WAIT_MS = 5_000;

  private BrokerCore core;
  private EmbeddedChannel channel;
  /** Decodes what the broker wrote, as a peer would. */
  private EmbeddedChannel peer;
  private final List<Message> received = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    core = BrokerCore.inMemory(CoreConfig.unbounded(100, MAX_FRAME, 3, 30_000, 1000, 60_000));
    channel = new EmbeddedChannel(new BrokerChannelInitializer(OPTIONS, core, "workq/test"));
    peer = new EmbeddedChannel(new FrameDecoder(Frames.DEFAULT_MAX_FRAME), new MessageDecoder());
  }

  @AfterEach
  void tearDown() {
    channel.close();
    barrier();
    channel.finishAndReleaseAll();
    peer.finishAndReleaseAll();
    core.close();
  }

  // ---- handshake ----

  @Test
  void welcomesAValidHelloAndRemovesTheHandshakeHandler() throws Exception {
    assertNotNull(channel.pipeline().get(HandshakeHandler.NAME));

    send(hello(ProtocolVersion.V1));

    Welcome welcome = assertInstanceOf(Welcome.class, next());
    assertEquals(ProtocolVersion.V1, welcome.version());
    assertEquals("workq/test", welcome.broker());
    assertFalse(welcome.session().isBlank());
    assertTrue(channel.isOpen());
    assertNull(channel.pipeline().get(HandshakeHandler.NAME), "handshake handler should remove itself");
    assertEquals(List.of(ConnectionLimitHandler.NAME, FrameDecoder.NAME, MessageDecoder.NAME, MessageEncoder.NAME,
        IdleTimeoutHandler.NAME, DispatchHandler.NAME, ExceptionHandler.NAME), handlerNames(),
        "the handshake deadline stands down once the peer is welcomed");
    assertEquals(MAX_FRAME, channel.pipeline().get(FrameDecoder.class).maxFrame(), "max-frame applies after the handshake");
    assertEquals(OPTIONS.listen().idleTimeout().toMillis(), welcome.idleTimeoutMs(), "the welcome announces the idle timeout");
    assertEquals(1, core.stats().get(WAIT_MS, TimeUnit.MILLISECONDS).clients(), "session registered with the core");
  }

  @Test
  void welcomesAHelloThatArrivesInTwoPieces() throws Exception {
    ByteBuf whole = encode(hello(ProtocolVersion.V1));
    ByteBuf first = whole.readRetainedSlice(7);
    ByteBuf rest = whole.readRetainedSlice(whole.readableBytes());
    whole.release();

    send(first);
    barrier();
    channel.runPendingTasks();
    assertTrue(remaining().isEmpty(), "nothing answered before the frame is complete");
    assertTrue(channel.isOpen());

    send(rest);
    assertInstanceOf(Welcome.class, next());
  }

  @Test
  void refusesAMessageBeforeTheHelloAndCloses() throws Exception {
    send(new Put(1, "early", ItemKind.DATA, null, null, null, null, null, Payload.ofUtf8("1")));

    ErrorReply error = assertInstanceOf(ErrorReply.class, next());
    assertEquals(ErrorCode.PROTOCOL_ERROR, error.code());
    assertTrue(error.fatal());
    assertTrue(error.message().contains("HELLO"), error.message());
    assertTrue(error.message().contains("PUT"), error.message());
    assertFalse(channel.isOpen());
    StatsReply stats = core.stats().get(WAIT_MS, TimeUnit.MILLISECONDS);
    assertTrue(stats.queues().isEmpty(), "the early PUT must not reach the core: " + stats.queues());
    assertEquals(0, stats.clients());
  }

  @Test
  void refusesAPingBeforeTheHello() throws Exception {
    send(new Ping(5));

    ErrorReply error = assertInstanceOf(ErrorReply.class, next());
    assertEquals(ErrorCode.PROTOCOL_ERROR, error.code());
    assertTrue(error.fatal());
    assertFalse(channel.isOpen());
    assertTrue(remaining().isEmpty(), "no PONG for a peer that has not said HELLO");
  }

  @Test
  void refusesAHelloWithAnUnsupportedVersionAndCloses() throws Exception {
    send(hello(ProtocolVersion.CURRENT + 1));

    ErrorReply error = assertInstanceOf(ErrorReply.class, next());
    assertEquals(ErrorCode.UNSUPPORTED_VERSION, error.code());
    assertTrue(error.fatal());
    assertTrue(error.message().contains(Integer.toString(ProtocolVersion.CURRENT + 1)), error.message());
    assertFalse(channel.isOpen());
    assertTrue(remaining().isEmpty(), "no WELCOME after the error");
    assertEquals(0, core.stats().get(WAIT_MS, TimeUnit.MILLISECONDS).clients(), "no session registered");
  }

  // ---- framing and decoding ----

  @Test
  void refusesAnOversizedFrameFromItsLengthAloneAndCloses() throws Exception {
    // Only the length prefix is sent: the broker must decide before any body arrives.
    send(Unpooled.buffer(4).writeInt(MAX_FRAME + 1));

    ErrorReply error = assertInstanceOf(ErrorReply.class, next());
    assertEquals(ErrorCode.FRAME_TOO_LARGE, error.code());
    assertTrue(error.fatal());
    assertTrue(error.message().contains(Integer.toString(MAX_FRAME + 1)), error.message());
    assertTrue(error.message().contains(Integer.toString(MAX_FRAME)), error.message());
    assertFalse(channel.isOpen());
  }

  @Test
  void refusesAnOversizedFrameAfterTheHandshakeToo() throws Exception {
    handshake();
    send(Unpooled.buffer(4).writeInt(Integer.MAX_VALUE));

    ErrorReply error = assertInstanceOf(ErrorReply.class, next());
    assertEquals(ErrorCode.FRAME_TOO_LARGE, error.code());
    assertTrue(error.fatal());
    assertFalse(channel.isOpen());
  }

  @Test
  void refusesAnUnknownMessageTypeAndCloses() throws Exception {
    handshake();
    // length 5: type 99 (no such message), header length 0.
    send(Unpooled.buffer().writeInt(Frames.MIN_BODY).writeByte(99).writeInt(0));

    ErrorReply error = assertInstanceOf(ErrorReply.class, next());
    assertEquals(ErrorCode.PROTOCOL_ERROR, error.code());
    assertTrue(error.fatal());
    assertTrue(error.message().contains("unknown message type 99"), error.message());
    assertFalse(channel.isOpen());
  }

  @Test
  void refusesAFrameShorterThanTheMinimumAndCloses() throws Exception {
    handshake();
    send(Unpooled.buffer().writeInt(2).writeByte(18).writeByte(0));

    ErrorReply error = assertInstanceOf(ErrorReply.class, next());
    assertEquals(ErrorCode.PROTOCOL_ERROR, error.code());
    assertTrue(error.fatal());
    assertFalse(channel.isOpen());
  }

  // ---- after the handshake ----

  static Stream<Message> brokerOnlyMessages() {
    return Stream.of(
        new Welcome(1, "evil", "s"),
        new Deliver(0, 1, 1, "q", ItemKind.DATA, "id", null, null, 1, 0, Payload.ofUtf8("1")),
        new PutOk(1, "id"),
        new ErrorReply(0, ErrorCode.INTERNAL_ERROR, "from a peer", false),
        new StatsReply(1, List.of(new QueueStats("q", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, 0, false)), List.of(), 0, 0, 0),
        new Hello(ProtocolVersion.V1, Role.CLIENT, "again", "h", 1, List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokerOnlyMessages")
  void refusesMessagesOnlyTheBrokerSendsOrASecondHello(Message message) throws Exception {
    handshake();
    send(message);

    ErrorReply error = assertInstanceOf(ErrorReply.class, next());
    assertEquals(ErrorCode.PROTOCOL_ERROR, error.code());
    assertTrue(error.fatal());
    assertTrue(error.message().contains(message.type().name()), error.message());
    assertFalse(channel.isOpen());
  }

  @Test
  void answersPingWithPongCarryingTheSameNonce() throws Exception {
    handshake();
    send(new Ping(0x5eedL));

    assertEquals(new Pong(0x5eedL), next());
    assertTrue(channel.isOpen());
  }

  @Test
  void answersAPutThroughTheCoreAndTheWriteQueue() throws Exception {
    handshake();
    send(new Put(42, "jobs", ItemKind.DATA, "item-1", null, null, null, null, Payload.ofUtf8("{\"n\":1}")));

    assertEquals(new PutOk(42, "item-1"), next());
    QueueStats jobs = core.stats().get(WAIT_MS, TimeUnit.MILLISECONDS).queues().get(0);
    assertEquals("jobs", jobs.name());
    assertEquals(1, jobs.ready());
  }

  @Test
  void closingTheChannelEndsTheSessionInTheCore() throws Exception {
    handshake();
    assertEquals(1, core.stats().get(WAIT_MS, TimeUnit.MILLISECONDS).clients());

    channel.close();

    assertEquals(0, core.stats().get(WAIT_MS, TimeUnit.MILLISECONDS).clients());
  }

  /** The initializer needs nothing of a socket, so pipeline tests run on a plain EmbeddedChannel. */
  @Test
  void initializerAssemblesThePipelineOnAPlainEmbeddedChannel() {
    BrokerChannelInitializer initializer = new BrokerChannelInitializer(OPTIONS, core, "workq/test");
    EmbeddedChannel plain = new EmbeddedChannel(initializer);
    try {
      assertNotNull(plain.pipeline().get(FrameDecoder.NAME),
          "BrokerChannelInitializer did not initialize an EmbeddedChannel; pipeline: " + plain.pipeline().names() + ", open: " + plain.isOpen());
      assertTrue(plain.isOpen());
    } finally {
      plain.finishAndReleaseAll();
    }
  }

  // ---- protocol 2 ----

  @Test
  void aVersion2HelloIsWelcomedWithEveryLimitAndTheSessionThenSpeaksVersion2() throws Exception {
    Welcome welcome = handshake(ProtocolVersion.V2);
    assertEquals(ProtocolVersion.V2, welcome.version());
    BrokerLimits limits = welcome.limits();
    assertNotNull(limits, "the welcome announces the broker's limits");
    assertEquals(MAX_FRAME, limits.maxFrame());
    assertEquals(OPTIONS.listen().handshakeMaxFrame(), limits.handshakeMaxFrame());
    assertEquals(OPTIONS.listen().idleTimeout().toMillis(), limits.idleTimeoutMs());
    assertEquals(OPTIONS.limits().maxUnackedPerConnection(), limits.maxUnackedPerConnection());
    assertEquals(OPTIONS.limits().maxQueueBytes(), limits.maxQueueBytes());
    assertEquals(CoreConfig.of(OPTIONS).maxPayload(), limits.maxPayload());
    assertEquals(OPTIONS.listen().handshakeBufferBudget(), limits.handshakeBufferBudget());
    assertEquals(1024, limits.maxHandlersPerConnection());
    assertEquals(OPTIONS.limits().maxWaitsPerConnection(), limits.maxWaitsPerConnection());
    assertEquals(OPTIONS.delivery().resultRetention().toMillis(), limits.resultRetentionMs());
    assertEquals(16, limits.maxHandlerListsPerConnection());
    assertEquals(ProtocolVersion.V2, channel.pipeline().get(MessageDecoder.class).version());
    assertEquals(ProtocolVersion.V2, channel.pipeline().get(MessageEncoder.class).version());

    // Two PUTs in one frame: both carried out, in order.
    ByteBuf frame = Unpooled.buffer();
    MessageEncoder.encode(new MessageBatch(List.of(put(1, "a"), put(2, "b"))), frame, ProtocolVersion.V2);
    send(frame);
    assertEquals(1, assertInstanceOf(PutOk.class, next()).corr());
    assertEquals(2, assertInstanceOf(PutOk.class, next()).corr());
  }

  @Test
  void aRefusedSettlementNamesItsTag() throws Exception {
    handshake(ProtocolVersion.V2);
    send(encode(new dev.workq.protocol.Ack(1234567), ProtocolVersion.V2));
    ErrorReply e = assertInstanceOf(ErrorReply.class, next());
    assertEquals(ErrorCode.UNKNOWN_DELIVERY, e.code());
    assertEquals(0, e.corr());
    assertEquals(1234567L, e.tag());
    assertFalse(e.fatal());
    assertTrue(channel.isOpen());
  }

  @Test
  void aPutOfAKindTheBrokerDoesNotKnowIsRefusedAndTheSessionGoesOn() throws Exception {
    handshake(ProtocolVersion.V2);
    send(encode(new Put(5, "q", ItemKind.UNKNOWN, null, null, null, null, null, Payload.EMPTY), ProtocolVersion.V2));
    ErrorReply e = assertInstanceOf(ErrorReply.class, next());
    assertEquals(ErrorCode.INVALID_REQUEST, e.code());
    assertEquals(5, e.corr());
    assertFalse(e.fatal());
    send(encode(put(6, "q"), ProtocolVersion.V2));
    assertEquals(6, assertInstanceOf(PutOk.class, next()).corr());
  }

  @Test
  void nothingBehindABadRecordIsCarriedOutNotInItsFrameNorInTheSameRead() throws Exception {
    handshake(ProtocolVersion.V2);
    ByteBuf records = Unpooled.buffer();
    records.writeBytes(recordsOf(put(1, "kept")));
    records.writeInt(1).writeByte(99);
    records.writeBytes(recordsOf(put(3, "dropped")));
    ByteBuf read = Unpooled.buffer();
    read.writeInt(records.readableBytes()).writeBytes(records);
    read.writeBytes(encode(put(4, "later"), ProtocolVersion.V2));
    try {
      send(read);
    } catch (RuntimeException expected) {
      // the embedded channel rethrows the decode failure after the pipeline has handled it
    }
    List<Message> out = remaining();
    ErrorReply error = out.stream().filter(ErrorReply.class::isInstance).map(ErrorReply.class::cast).findFirst().orElseThrow(
        () -> new AssertionError("no ERROR in " + out));
    assertEquals(ErrorCode.PROTOCOL_ERROR, error.code());
    assertTrue(error.fatal());
    List<String> queues = core.stats().get(WAIT_MS, TimeUnit.MILLISECONDS).queues().stream().map(QueueStats::name).toList();
    assertEquals(List.of("kept"), queues, "only the record before the bad one took effect");
  }

  // ---- helpers ----

  private static Put put(long corr, String queue) {
    return new Put(corr, queue, ItemKind.DATA, null, null, null, null, null, Payload.ofUtf8("1"));
  }

  /** The records of {@code m}'s version-2 frame, without the frame's length. */
  private static ByteBuf recordsOf(Message m) throws IOException {
    ByteBuf frame = encode(m, ProtocolVersion.V2);
    frame.skipBytes(Frames.LENGTH_FIELD);
    return frame;
  }

  private static ByteBuf encode(Message m, int version) throws IOException {
    ByteBuf buf = Unpooled.buffer();
    MessageEncoder.encode(m, buf, version);
    return buf;
  }

  private Welcome handshake(int version) throws Exception {
    send(hello(version));
    Welcome welcome = assertInstanceOf(Welcome.class, next());
    peer.pipeline().get(MessageDecoder.class).version(version);
    return welcome;
  }

  private static Hello hello(int version) {
    return new Hello(version, Role.CLIENT, "pipeline-test", "localhost", 1, List.of());
  }

  private void handshake() throws Exception {
    send(hello(ProtocolVersion.V1));
    assertInstanceOf(Welcome.class, next());
  }

  private static ByteBuf encode(Message m) throws IOException {
    ByteBuf buf = Unpooled.buffer();
    MessageEncoder.encode(m, buf);
    return buf;
  }

  private void send(Message m) throws IOException {
    send(encode(m));
  }

  /**
   * Fires bytes into the pipeline as the transport would. Not {@code writeInbound}: that also runs
   * the loop's pending tasks, possibly while the core thread is still adding the drain task.
   */
  private void send(ByteBuf bytes) {
    channel.pipeline().fireChannelRead(bytes);
    channel.pipeline().fireChannelReadComplete();
    channel.checkException();
  }

  /** Waits until the core thread has handled everything handed to it so far. */
  private void barrier() {
    try {
      core.stats().get(WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("core did not answer within " + WAIT_MS + " ms", e);
    }
  }

  /** The next message the broker wrote, waiting (bounded) for the core's asynchronous answers. */
  private Message next() {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    while (true) {
      received.addAll(drain());
      if (!received.isEmpty()) {
        return received.remove(0);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the broker wrote nothing within " + WAIT_MS + " ms");
      }
      barrier();
      channel.runPendingTasks();
    }
  }

  /** Everything written and not yet taken with {@link #next()}, after the core has caught up. */
  private List<Message> remaining() {
    barrier();
    channel.runPendingTasks();
    received.addAll(drain());
    List<Message> rest = new ArrayList<>(received);
    received.clear();
    return rest;
  }

  /** Decodes every frame the broker has written so far. */
  private List<Message> drain() {
    List<Message> out = new ArrayList<>();
    ByteBuf buf;
    while ((buf = channel.readOutbound()) != null) {
      peer.writeInbound(buf);
    }
    Message m;
    while ((m = peer.readInbound()) != null) {
      out.add(m);
    }
    return out;
  }

  private List<String> handlerNames() {
    List<String> names = new ArrayList<>(channel.pipeline().names());
    names.removeIf(n -> n.startsWith("DefaultChannelPipeline$TailContext"));
    return names;
  }
}
