package dev.workq.server;

import java.util.List;

/**
 * One cluster node's view of the cluster, for stats, metrics and the dashboard.
 *
 * @param node         this node's id
 * @param role         LEADER, FOLLOWER, CANDIDATE or LISTENER (Raft's), or STOPPED
 * @param leader       the leader's id, or null while none is known
 * @param term         the Raft term
 * @param commitIndex  the last log index this node knows to be committed
 * @param appliedIndex the last log index applied to this node's replica
 * @param members      every member; on the leader with each one's replication progress
 */
public record ClusterStatus(String node, String role, String leader, long term, long commitIndex, long appliedIndex,
    List<Member> members) {

  public ClusterStatus {
    members = List.copyOf(members);
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
