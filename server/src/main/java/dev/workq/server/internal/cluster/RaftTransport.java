package dev.workq.server.internal.cluster;

import dev.workq.server.BrokerException;
import dev.workq.server.RaftTls;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;

/** The Ratis gRPC parameters for a {@link RaftTls}, and its rule against plaintext off loopback. */
public final class RaftTransport {

  private RaftTransport() {}

  /**
   * Ratis parameters for {@code tls}: with its TLS conf when it has the three files.
   *
   * @throws BrokerException if a member's replication address is not loopback, there is no
   *     mutual TLS and no {@code --insecure}
   */
  public static Parameters parameters(RaftTls tls, Map<String, String> members) {
    Parameters parameters = new Parameters();
    if (tls.mutual()) {
      GrpcConfigKeys.TLS.setConf(parameters, new GrpcTlsConfig(tls.key().toFile(), tls.cert().toFile(), tls.ca().toFile(), true));
      return parameters;
    }
    if (!tls.insecure()) {
      members.forEach((id, address) -> {
        if (!loopback(address)) {
          throw new BrokerException("refusing to replicate in plaintext with " + id + " at " + address + ": anyone who reaches a "
              + "replication port could rewrite the cluster's state; give --tls-cert, --tls-key and --cluster-ca (mutual TLS "
              + "between the nodes, each certificate signed by that CA), or --insecure on a private network");
        }
      });
    }
    return parameters;
  }

  private static boolean loopback(String address) {
    String host = address.substring(0, address.lastIndexOf(':'));
    try {
      return InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
