package dev.workq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** --cluster's form, its one-line errors, the defaults, and how a node's Raft transport is chosen. */
class ClusterOptionsTest {

  @Test
  void membersKeepTheirOrderAndTheDefaultsAreDocumentedOnes() {
    ClusterOptions o = ClusterOptions.builder().members("n1=10.0.0.1:7171, n2=10.0.0.2:7171,n3=[::1]:7171").nodeId("n2").build();
    assertEquals(List.of("n1", "n2", "n3"), List.copyOf(o.members().keySet()));
    assertEquals("10.0.0.2:7171", o.replicationAddress());
    assertEquals(ClusterOptions.DEFAULT_ELECTION_TIMEOUT_MIN, o.electionTimeoutMin());
    assertEquals(ClusterOptions.DEFAULT_LEADER_STEP_DOWN, o.leaderStepDown());
    assertEquals(4096, o.snapshotEntries());
  }

  @Test
  void eachMalformedSpecIsOneLineNamingTheEntry() {
    assertEquals("cluster member 'n1' is not ID=HOST:PORT", error("n1"));
    assertEquals("address '10.0.0.1' of n1 is not HOST:PORT", error("n1=10.0.0.1"));
    assertEquals("address 'h:99999' of n1 has port 99999, outside 1 to 65535", error("n1=h:99999"));
    assertEquals("address 'h:x' of n1 has a port that is not a number", error("n1=h:x"));
    assertEquals("cluster member 'n1' is given twice", error("n1=h:1,n1=h:2"));
    assertEquals("node id 'n 1' must be 1 to 64 letters, digits, '_' or '-'", error("n 1=h:1"));
    assertEquals("--cluster names no member: give ID=HOST:PORT,ID=HOST:PORT,...", error(","));
    IllegalArgumentException notAMember = assertThrows(IllegalArgumentException.class,
        () -> ClusterOptions.builder().members("n1=h:1,n2=h:2").nodeId("n9").build());
    assertTrue(notAMember.getMessage().startsWith("node n9 is not among the cluster members [n1, n2]"), notAMember.getMessage());
  }

  @Test
  void raftIsMutualTlsOnlyWithACaAndTheNodesCertificate() {
    SecurityOptions withCert = SecurityOptions.builder().tls(Path.of("n.pem"), Path.of("n.key")).build();
    ClusterOptions plain = ClusterOptions.builder().members("n1=h:1").nodeId("n1").build();
    assertEquals(RaftTls.PLAINTEXT, plain.tls(SecurityOptions.builder().build()));
    assertEquals(false, plain.tls(withCert).mutual(), "a certificate alone serves clients; Raft needs --cluster-ca too");
    ClusterOptions mutual = ClusterOptions.builder().members("n1=h:1").nodeId("n1").tlsCa(Path.of("ca.pem")).build();
    assertTrue(mutual.tls(withCert).mutual());
    IllegalArgumentException noCert = assertThrows(IllegalArgumentException.class, () -> mutual.tls(SecurityOptions.builder().build()));
    assertTrue(noCert.getMessage().contains("--cluster-ca needs this node's certificate and key too"), noCert.getMessage());
  }

  private static String error(String spec) {
    return assertThrows(IllegalArgumentException.class, () -> ClusterOptions.parseMembers(spec)).getMessage();
  }
}
