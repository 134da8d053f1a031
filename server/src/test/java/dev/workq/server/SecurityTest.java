package dev.workq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.ClientOptions;
import dev.workq.client.WorkqClient;
import dev.workq.client.WorkqException;
import dev.workq.protocol.AuthChallenge;
import dev.workq.protocol.AuthOk;
import dev.workq.protocol.AuthResponse;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.Hello;
import dev.workq.protocol.Ping;
import dev.workq.protocol.ProtocolVersion;
import dev.workq.protocol.Role;
import dev.workq.protocol.Welcome;
import dev.workq.protocol.auth.Authkey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker facing strangers: each wrong way in (wrong key, no key, a replayed answer, a key on one
 * side only, TLS without the CA, plaintext against TLS, no client certificate under mTLS) is
 * refused with a one-line error that names the cause, while a good client connected all along
 * keeps being served, during and after.
 */
class SecurityTest {

  private static final byte[] KEY = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);

  @TempDir
  static Path dir;
  private static TestCerts certs;

  private Broker broker;
  private WorkqClient good;

  @BeforeEach
  void setUp() throws Exception {
    if (certs == null) {
      certs = new TestCerts(dir);
    }
  }

  @AfterEach
  void tearDown() {
    if (good != null) {
      good.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  private void start(BrokerOptions.Builder options, ClientOptions.Builder goodClient) {
    broker = Broker.start(options.port(0).build());
    good = WorkqClient.connect(goodClient.port(broker.port()).name("good").build());
    assertServed();
  }

  private ClientOptions.Builder client() {
    return ClientOptions.builder().host("127.0.0.1").connectTimeout(Duration.ofSeconds(5));
  }

  /** The good client's put and get go through. */
  private void assertServed() {
    String queue = "q" + System.nanoTime();
    good.put(queue, Map.of("n", 1));
    assertTrue(good.get(queue, Duration.ofSeconds(5)).isPresent(), "the good client was not served");
  }

  private WorkqException refused(ClientOptions.Builder options) {
    WorkqException e = assertThrows(WorkqException.class, () -> WorkqClient.connect(options.port(broker.port()).build()).close());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    assertServed();
    return e;
  }

  @Test
  void aWrongKeyIsRefusedWithAuthFailed() {
    start(BrokerOptions.builder().authkey(KEY), client().authkey(KEY));
    WorkqException e = refused(client().authkey("wrong".getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("AUTH_FAILED: wrong authkey"), e.getMessage());
    assertTrue(e.getMessage().startsWith("broker at 127.0.0.1:"), e.getMessage());
  }

  @Test
  void aKeyFileWithATrailingNewlineAuthenticatesThroughAuthkeyFile() throws Exception {
    Path file = dir.resolve("authkey-" + System.nanoTime());
    Files.write(file, (new String(KEY, StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    start(BrokerOptions.builder().authkey(KEY), client().authkey(KEY));
    try (WorkqClient fromFile = WorkqClient.connect(client().authkeyFile(file).port(broker.port()).build())) {
      String queue = "q" + System.nanoTime();
      fromFile.put(queue, Map.of("n", 1));
      assertTrue(fromFile.get(queue, Duration.ofSeconds(5)).isPresent());
    }
    // The same file read as-is keeps its newline, and that is another key: what authkeyFile fixes.
    WorkqException e = refused(client().authkey(Files.readAllBytes(file)));
    assertTrue(e.getMessage().contains("AUTH_FAILED"), e.getMessage());
  }

  @Test
  void noKeyIsRefusedWithAuthFailed() {
    start(BrokerOptions.builder().authkey(KEY), client().authkey(KEY));
    WorkqException e = refused(client());
    assertTrue(e.getMessage().contains("AUTH_FAILED: the broker requires an authkey"), e.getMessage());
  }

  @Test
  void aPeerThatSkipsTheChallengeGetsAuthFailedAndIsClosed() throws Exception {
    start(BrokerOptions.builder().authkey(KEY), client().authkey(KEY));
    try (RawPeer peer = RawPeer.open(broker.port())) {
      peer.send(new Hello(ProtocolVersion.V1, Role.CLIENT, "skipper", "h", 1, List.of()));
      peer.expect(AuthChallenge.class);
      peer.send(new Ping(1));
      ErrorReply error = peer.expect(ErrorReply.class);
      assertEquals(ErrorCode.AUTH_FAILED, error.code());
      assertTrue(error.fatal());
      assertTrue(peer.awaitClosed());
    }
    assertServed();
  }

  @Test
  void aReplayedChallengeResponseIsRefused() throws Exception {
    start(BrokerOptions.builder().authkey(KEY), client().authkey(KEY));
    AuthResponse recorded;
    try (RawPeer first = RawPeer.open(broker.port())) {
      first.send(new Hello(ProtocolVersion.V1, Role.CLIENT, "first", "h", 1, List.of()));
      byte[] nonce = Authkey.decodeNonce(first.expect(AuthChallenge.class).nonce());
      recorded = new AuthResponse(Authkey.prove(KEY, Authkey.SERVER_LABEL, nonce), Authkey.encode(Authkey.newNonce()));
      first.send(recorded);
      first.expect(AuthOk.class);
      first.expect(Welcome.class);
    }
    // An eavesdropper replays the recorded answer on a connection of its own.
    try (RawPeer replay = RawPeer.open(broker.port())) {
      replay.send(new Hello(ProtocolVersion.V1, Role.CLIENT, "replay", "h", 1, List.of()));
      replay.expect(AuthChallenge.class);
      replay.send(recorded);
      ErrorReply error = replay.expect(ErrorReply.class);
      assertEquals(ErrorCode.AUTH_FAILED, error.code());
      assertTrue(replay.awaitClosed());
    }
    assertServed();
  }

  @Test
  void aClientWithAKeyRefusesABrokerWithout() {
    start(BrokerOptions.builder(), client());
    WorkqException e = refused(client().authkey(KEY));
    assertTrue(e.getMessage().contains("AUTH_FAILED: the broker did not prove the authkey"), e.getMessage());
  }

  @Test
  void tlsWithTheCaAndTheKeyWorks() {
    start(BrokerOptions.builder().authkey(KEY).security(s -> s.tls(certs.brokerCert, certs.brokerKey)), client().authkey(KEY).tlsCa(certs.caCert));
    assertEquals(1, broker.stats().clients());
  }

  @Test
  void tlsWithoutTheCaIsRefused() {
    start(BrokerOptions.builder().authkey(KEY).security(s -> s.tls(certs.brokerCert, certs.brokerKey)), client().authkey(KEY).tlsCa(certs.caCert));
    WorkqException system = refused(client().authkey(KEY).tls(true));
    assertTrue(system.getMessage().contains("TLS failed") && system.getMessage().contains("give --tls-ca"), system.getMessage());
    WorkqException other = refused(client().authkey(KEY).tlsCa(certs.otherCaCert));
    assertTrue(other.getMessage().contains("TLS failed"), other.getMessage());
  }

  @Test
  void aPlaintextClientAgainstATlsBrokerIsToldTlsIsRequired() {
    start(BrokerOptions.builder().authkey(KEY).security(s -> s.tls(certs.brokerCert, certs.brokerKey)), client().authkey(KEY).tlsCa(certs.caCert));
    WorkqException e = refused(client().authkey(KEY));
    assertTrue(e.getMessage().contains("this broker requires TLS"), e.getMessage());
  }

  @Test
  void aTlsClientAgainstAPlaintextBrokerIsRefused() {
    start(BrokerOptions.builder().authkey(KEY), client().authkey(KEY));
    refused(client().authkey(KEY).tlsCa(certs.caCert));
  }

  @Test
  void mutualTlsRequiresAClientCertificate() {
    start(BrokerOptions.builder().authkey(KEY).security(s -> s.tls(certs.brokerCert, certs.brokerKey).tlsClientCa(certs.caCert)),
        client().authkey(KEY).tlsCa(certs.caCert).tlsClientCert(certs.clientCert, certs.clientKey));
    WorkqException e = refused(client().authkey(KEY).tlsCa(certs.caCert));
    System.out.println("mTLS without a client certificate: " + e.getMessage());
    assertTrue(e.getMessage().contains("TLS failed") || e.getMessage().contains("closed") || e.getMessage().contains("lost"),
        e.getMessage());
  }

  @Test
  void aBrokerWithoutAKeyRefusesToListenBeyondLoopback() {
    BrokerException e = assertThrows(BrokerException.class,
        () -> Broker.start(BrokerOptions.builder().host("0.0.0.0").port(0).build()).close());
    assertTrue(e.getMessage().startsWith("refusing to listen on 0.0.0.0 without an authkey"), e.getMessage());
    Broker.start(BrokerOptions.builder().host("0.0.0.0").port(0).security(s -> s.insecure(true)).build()).close();
    Broker.start(BrokerOptions.builder().host("0.0.0.0").port(0).authkey(KEY).build()).close();
  }

  @Test
  void aClientTurnedAwayAtTheCapTriesAgainWithinItsConnectTimeout() throws Exception {
    broker = Broker.start(BrokerOptions.builder().port(0).listen(l -> l.maxConnections(1)).build());
    RawPeer holder = RawPeer.connect(broker.port());
    java.util.concurrent.CompletableFuture<WorkqClient> late = java.util.concurrent.CompletableFuture.supplyAsync(
        () -> WorkqClient.connect(ClientOptions.builder().port(broker.port()).connectTimeout(java.time.Duration.ofSeconds(20)).build()));
    Thread.sleep(300);
    holder.close();

    try (WorkqClient c = late.get(20, java.util.concurrent.TimeUnit.SECONDS)) {
      assertNotNull(c.put("after-the-cap", 1), "in once the slot was free");
    }
    try (RawPeer again = RawPeer.connect(broker.port())) {
      long start = System.nanoTime();
      WorkqException e = assertThrows(WorkqException.class,
          () -> WorkqClient.connect(ClientOptions.builder().port(broker.port()).connectTimeout(java.time.Duration.ofMillis(700)).build()));
      assertTrue(e.getMessage().contains("CONNECTION_LIMIT"), e.getMessage());
      assertTrue(System.nanoTime() - start < java.util.concurrent.TimeUnit.SECONDS.toNanos(15), "gives up at its connect timeout");
    }
  }

  @Test
  void connectionsOverTheCapAreToldAndClosed() throws Exception {
    start(BrokerOptions.builder().listen(l -> l.maxConnections(2)), client());
    try (RawPeer second = RawPeer.connect(broker.port()); RawPeer third = RawPeer.open(broker.port())) {
      ErrorReply error = assertInstanceOf(ErrorReply.class, third.next());
      assertEquals(ErrorCode.CONNECTION_LIMIT, error.code());
      assertTrue(third.awaitClosed());
      assertTrue(second.isOpen());
    }
    assertServed();
  }
}
