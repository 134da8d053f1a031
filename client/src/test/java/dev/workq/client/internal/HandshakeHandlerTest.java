package dev.workq.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.AuthChallenge;
import dev.workq.protocol.Hello;
import dev.workq.protocol.Ping;
import dev.workq.protocol.ProtocolVersion;
import dev.workq.protocol.Role;
import dev.workq.protocol.Welcome;
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
  void everythingBeforeTheWelcomePassesThrough() {
    EmbeddedChannel ch = channel(1000);
    AuthChallenge challenge = new AuthChallenge("bm9uY2U=");
    assertTrue(ch.writeInbound(challenge));
    assertEquals(challenge, ch.readInbound());
    assertFalse(welcome.isDone());
    assertNotNull(ch.pipeline().get(HandshakeHandler.NAME), "still waiting for the WELCOME");
  }
}
