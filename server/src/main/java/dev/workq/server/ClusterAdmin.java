package dev.workq.server;

import dev.workq.server.internal.cluster.RaftNode;
import dev.workq.server.internal.cluster.RaftTransport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;
import java.util.concurrent.TimeUnit;

/**
 * Changes a running cluster's membership through its Raft group: the leader first brings a new
 * member up to date, then commits the new configuration (Raft's joint consensus), so the cluster
 * keeps serving throughout. Reached over the members' replication addresses, which must be
 * reachable from where this runs, over the cluster's mutual TLS ({@link RaftTls}).
 */
public final class ClusterAdmin {

  /** Tries of a membership change before it is reported as failed, 500 ms apart. */
  private static final int ATTEMPTS = 6;

  private ClusterAdmin() {}

  /**
   * Adds {@code id} at {@code address} to the cluster whose members are {@code current}. The new
   * node must already run, started with {@code --cluster} listing every member and itself.
   *
   * @return the new membership
   * @throws BrokerException if the cluster refused or could not be reached, with its reason
   */
  public static Map<String, String> add(Map<String, String> current, String id, String address, RaftTls tls) {
    ClusterOptions.checkNodeId(id);
    ClusterOptions.checkAddress(id, address);
    if (current.containsKey(id)) {
      throw new IllegalArgumentException("node " + id + " is a member already, at " + current.get(id));
    }
    Map<String, String> next = new LinkedHashMap<>(current);
    next.put(id, address);
    change(current, next, tls);
    return next;
  }

  /**
   * Removes {@code id} from the cluster whose members are {@code current}; if it is the leader, the
   * others elect a new one. The removed node stops taking part and can be shut down.
   *
   * @return the new membership
   */
  public static Map<String, String> remove(Map<String, String> current, String id, RaftTls tls) {
    if (!current.containsKey(id)) {
      throw new IllegalArgumentException("node " + id + " is not among the members " + current.keySet());
    }
    if (current.size() == 1) {
      throw new IllegalArgumentException("node " + id + " is the last member: a cluster cannot remove its last node");
    }
    Map<String, String> next = new LinkedHashMap<>(current);
    next.remove(id);
    change(current, next, tls);
    return next;
  }

  private static void change(Map<String, String> current, Map<String, String> next, RaftTls tls) {
    // Bounded: a member that is down, or refuses this side's certificate, ends in an error, not a hang.
    try (RaftClient client = RaftClient.newBuilder().setProperties(new RaftProperties())
        .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(ATTEMPTS, TimeDuration.valueOf(500, TimeUnit.MILLISECONDS)))
        .setParameters(RaftTransport.parameters(tls, next))
        .setRaftGroup(RaftGroup.valueOf(RaftNode.GROUP, peers(current))).build()) {
      RaftClientReply reply = client.admin().setConfiguration(peers(next));
      if (!reply.isSuccess()) {
        throw new BrokerException("the cluster refused the membership " + next.keySet() + ": "
            + (reply.getException() == null ? "no reason given" : reply.getException().getMessage()));
      }
    } catch (IOException e) {
      throw new BrokerException("cannot change the membership to " + next.keySet() + ": " + e.getMessage(), e);
    }
  }

  private static List<RaftPeer> peers(Map<String, String> members) {
    List<RaftPeer> peers = new ArrayList<>();
    members.forEach((id, address) -> peers.add(RaftPeer.newBuilder().setId(id).setAddress(address).build()));
    return peers;
  }
}
