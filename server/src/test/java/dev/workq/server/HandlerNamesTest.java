package dev.workq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.Hello;
import dev.workq.protocol.Json;
import dev.workq.protocol.MessageType;
import dev.workq.protocol.ProtocolVersion;
import dev.workq.protocol.Role;
import dev.workq.protocol.Welcome;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Handler names a worker offers in HELLO (and CONSUME) follow the queue-name rules, so what the
 * broker shows in stats, logs and the dashboard is a plain name: a peer offering one with ESC, a
 * newline or a space is refused with PROTOCOL_ERROR naming the rule, and the connection closes.
 */
class HandlerNamesTest {

  private Broker broker;

  @BeforeEach
  void start() {
    broker = Broker.start(BrokerOptions.builder().port(0).build());
  }

  @AfterEach
  void stop() {
    broker.close();
  }

  /** A worker's HELLO as JSON, with {@code handlerJson} (a JSON string literal's content) as its one handler. */
  private static String helloWith(String handlerJson) throws Exception {
    String valid = Json.mapper().writeValueAsString(
        new Hello(ProtocolVersion.V1, Role.WORKER, "w", "h", 1, List.of("PLACEHOLDER")));
    return valid.replace("\"PLACEHOLDER\"", "\"" + handlerJson + "\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"evil\\u001b[31m", "two\\nlines", "with space", ""})
  void aHelloWithAHandlerNameOutsideTheQueueNameRulesIsRefused(String handlerJson) throws Exception {
    try (RawPeer peer = RawPeer.open(broker.port())) {
      peer.sendRaw(MessageType.HELLO, helloWith(handlerJson));
      ErrorReply e = peer.expect(ErrorReply.class);
      assertEquals(ErrorCode.PROTOCOL_ERROR, e.code(), e.toString());
      assertTrue(e.message().contains("handlers"), e.message());
      assertTrue(handlerJson.isEmpty() ? e.message().contains("required")
          : e.message().contains("outside A-Z a-z 0-9 . _ - :"), e.message());
      // Echoed escaped, never raw.
      assertTrue(e.message().chars().noneMatch(c -> c < 0x20), e.message());
      assertTrue(peer.awaitClosed(), "the connection closes");
    }
    assertEquals(0, broker.stats().workers().size());
  }

  @Test
  void aHelloWithGoodHandlerNamesIsWelcomed() throws Exception {
    try (RawPeer peer = RawPeer.open(broker.port())) {
      peer.sendRaw(MessageType.HELLO, helloWith("images.resize:v2"));
      peer.expect(Welcome.class);
    }
  }

  @Test
  void aConsumeWithABadHandlerNameIsRefused() throws Exception {
    try (RawPeer peer = RawPeer.open(broker.port())) {
      peer.send(new Hello(ProtocolVersion.V1, Role.WORKER, "w", "h", 1, List.of("ok")));
      peer.expect(Welcome.class);
      peer.sendRaw(MessageType.CONSUME, "{\"corr\":1,\"queue\":\"q\",\"prefetch\":1,\"handlers\":[\"a\\u001bb\"]}");
      ErrorReply e = peer.expect(ErrorReply.class);
      assertEquals(ErrorCode.PROTOCOL_ERROR, e.code(), e.toString());
      assertTrue(e.message().contains("handlers: 'a\\u001bb' has a character outside"), e.message());
    }
  }
}
