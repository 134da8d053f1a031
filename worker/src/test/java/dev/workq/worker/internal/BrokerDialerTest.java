package dev.workq.worker.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.ConnectionClosedException;
import dev.workq.client.RemoteException;
import dev.workq.client.WorkqException;
import dev.workq.protocol.ErrorCode;
import java.net.ConnectException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** Which failures at start a worker waits out, and which it reports at once. */
class BrokerDialerTest {

  private static WorkqException because(Throwable cause) {
    return new WorkqException("cannot reach broker at h:1: x", cause);
  }

  @Test
  void nothingListeningNoNameYetADroppedHandshakeOrATimeoutAreWaitedOut() {
    assertTrue(BrokerDialer.isTransient(because(new ConnectException("Connection refused"))));
    assertTrue(BrokerDialer.isTransient(because(new UnknownHostException("broker"))));
    assertTrue(BrokerDialer.isTransient(because(new ConnectionClosedException("connection to broker at h:1 was lost"))));
    assertTrue(BrokerDialer.isTransient(new WorkqException("broker at h:1 did not answer the handshake within 10000 ms")));
    assertTrue(BrokerDialer.isTransient(because(new RemoteException(ErrorCode.CONNECTION_LIMIT, "busy"))));
    assertTrue(BrokerDialer.isTransient(because(new RemoteException(ErrorCode.SHUTTING_DOWN, "bye"))));
    assertTrue(BrokerDialer.isTransient(because(new RemoteException(ErrorCode.NOT_LEADER, "no leader is known"))),
        "a cluster without a leader yet (an election) is waited out");
  }

  @Test
  void aWrongAuthkeyTlsOrVersionFailsAtOnce() {
    assertFalse(BrokerDialer.isTransient(because(new RemoteException(ErrorCode.AUTH_FAILED, "no"))));
    assertFalse(BrokerDialer.isTransient(because(new RemoteException(ErrorCode.UNSUPPORTED_VERSION, "v9"))));
    assertFalse(BrokerDialer.isTransient(because(new io.netty.handler.codec.DecoderException(new SSLHandshakeException("PKIX")))));
    // The client's own authkey check (the broker proved nothing) has a cause with no IO in it.
    assertFalse(BrokerDialer.isTransient(because(new WorkqException("broker at h:1: AUTH_FAILED: the broker did not prove the authkey"))));
  }
}
