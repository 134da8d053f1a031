package dev.workq.server;

import java.nio.file.Path;

/**
 * How cluster nodes, and {@link ClusterAdmin}, talk Raft to each other. With a certificate, its
 * key and the CA that signed every node's certificate, over mutual TLS: each side presents its
 * certificate and accepts only peers the CA signed. Without them, in plaintext, which a node
 * allows only on loopback unless {@code insecure}: anyone who reaches a replication port could
 * otherwise append to the cluster's log.
 *
 * @param cert     PEM certificate chain (the node's {@code --tls-cert}); null for plaintext
 * @param key      its PKCS#8 PEM private key ({@code --tls-key})
 * @param ca       the CA of the nodes' certificates ({@code --cluster-ca})
 * @param insecure plaintext Raft is allowed off loopback ({@code --insecure})
 */
public record RaftTls(Path cert, Path key, Path ca, boolean insecure) {

  /** Plaintext, loopback only. */
  public static final RaftTls PLAINTEXT = new RaftTls(null, null, null, false);

  public RaftTls {
    if (ca != null && (cert == null || key == null)) {
      throw new IllegalArgumentException("--cluster-ca needs this node's certificate and key too (--tls-cert, --tls-key)");
    }
  }

  /** Whether Raft runs over mutual TLS. */
  public boolean mutual() {
    return cert != null && key != null && ca != null;
  }
}
