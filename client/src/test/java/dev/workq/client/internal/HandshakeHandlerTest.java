package dev.workq.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.AuthChallenge;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.Hello;
import dev.workq.protocol.Ping;
import dev.workq.protocol.ProtocolVersion;
import dev.workq.protocol.Role;
import dev.workq.protocol.Welcome;
import dev.workq.protocol.codec.MessageDecoder;
import dev.workq.protocol.codec.MessageEncoder;
import dev.workq.protocol.codec.ProtocolException;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link HandshakeHandler} on an {@link EmbeddedChannel}: HELLO out, WELCOME in, then it makes way for the heartbeat. */
class HandshakeHandlerTest {

  private static final Hello HELLO = new Hello(ProtocolVersion.CURRENT, Role.CLIENT, "test", "h", 1, List.of());

  private final CompletableFuture<Welcome> welcome = new CompletableFuture<>();

  private EmbeddedChannel channel(long heartbeatMs) {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime();
    ch.pipeline().addLast(HandshakeHandler.NAME, new HandshakeHandler(HELLO, welcome, heartbeatMs, 10_000));
    return ch;
  }

  @Test
  void sendsTheHelloOnceActive() {
    EmbeddedChannel ch = channel(1000);
    assertEquals(HELLO, ch.readOutbound());
    assertNull(ch.readOutbound(), "one HELLO");
  }

  @Test
  void theWelcomeCompletesTheHandshakeAndInstallsTheHeartbeatInItsPlace() {
    EmbeddedChannel ch = channel(1000);
    ch.readOutbound();
    Welcome w = new Welcome(ProtocolVersion.CURRENT, "broker", "s1", null);
    assertFalse(ch.writeInbound(w), "the WELCOME is the handshake's own");
    assertEquals(w, welcome.getNow(null));
    assertNull(ch.pipeline().get(HandshakeHandler.NAME), "the handshake handler removed itself");
    assertNotNull(ch.pipeline().get(HeartbeatHandler.NAME), "and installed the heartbeat");
    ch.advanceTimeBy(1000, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertInstanceOf(Ping.class, ch.readOutbound(), "pinging at the configured heartbeat");
  }

  @Test
  void pingsAtLeastEveryThirdOfTheBrokersIdleTimeout() {
    EmbeddedChannel ch = channel(30_000);
    ch.readOutbound();
    ch.writeInbound(new Welcome(ProtocolVersion.CURRENT, "broker", "s1", 3000L));
    ch.advanceTimeBy(999, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertNull(ch.readOutbound());
    ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertInstanceOf(Ping.class, ch.readOutbound(), "a PING after 1000 ms, a third of the 3000 ms idle timeout");
  }

  @Test
  void theWelcomeSwitchesBothCodecsToTheVersionItNames() {
    for (int answered : new int[] {ProtocolVersion.V2, ProtocolVersion.V1}) {
      EmbeddedChannel ch = new EmbeddedChannel();
      ch.pipeline().addLast(new MessageDecoder(), new MessageEncoder(),
          new HandshakeHandler(HELLO, new CompletableFuture<>(), 1000, 10_000));
      ch.writeInbound(new Welcome(answered, "broker", "s1", null));
      assertEquals(answered, ch.pipeline().get(MessageDecoder.class).version(), "a broker may answer an older version");
      assertEquals(answered, ch.pipeline().get(MessageEncoder.class).version());
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void aWelcomeForAVersionNotAskedForEndsTheHandshake() {
    EmbeddedChannel ch = channel(1000);
    ch.readOutbound();
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> ch.writeInbound(new Welcome(ProtocolVersion.CURRENT + 1, "broker", "s1", null)));
    assertEquals(ErrorCode.UNSUPPORTED_VERSION, e.code());
    assertFalse(welcome.isDone());
  }

  @Test
  void everythingBeforeTheWelcomePassesThrough() {
    EmbeddedChannel ch = channel(1000);
    AuthChallenge challenge = new AuthChallenge("bm9uY2U=");
    assertTrue(ch.writeInbound(challenge));
    assertEquals(challenge, ch.readInbound());
    assertFalse(welcome.isDone());
    assertNotNull(ch.pipeline().get(HandshakeHandler.NAME), "still waiting for the WELCOME");
  }
}
