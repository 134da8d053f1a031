package dev.workq.protocol;

import java.util.List;

/**
 * One cluster node's view of the cluster, in STATS_OK's {@code cluster} (absent from a broker that
 * is not a cluster node), and for the node's metrics and dashboard.
 *
 * @param node         this node's id
 * @param role         LEADER, FOLLOWER, CANDIDATE or LISTENER (Raft's), or STOPPED
 * @param leader       the leader's id, or null while none is known
 * @param term         the Raft term
 * @param commitIndex  the last log index this node knows to be committed
 * @param appliedIndex the last log index applied to this node's replica
 * @param members      every member; on the leader with each one's replication progress
 */
public record ClusterInfo(String node, String role, String leader, long term, long commitIndex, long appliedIndex,
    List<Member> members) {

  public ClusterInfo {
    members = members == null ? List.of() : List.copyOf(members);
  }

  /**
   * One member.
   *
   * @param id          its node id
   * @param address     its replication address
   * @param commitIndex the commit index it reported to the leader, or -1 when not known here
   * @param lag         entries it is behind this node's commit index, or -1 when not known here
   */
  public record Member(String id, String address, long commitIndex, long lag) {}
}
