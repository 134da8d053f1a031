package dev.workq.client;

import java.util.List;

/**
 * The cluster as the broker that answered sees it: only a cluster's leader serves, so this is
 * the leader's view, with each member's replication progress.
 *
 * @param node         the answering node's id
 * @param role         its Raft role: LEADER, FOLLOWER, CANDIDATE or LISTENER
 * @param leader       the leader's id, or null while none is known
 * @param term         the Raft term
 * @param commitIndex  the last log index known to be committed
 * @param appliedIndex the last log index applied to the answering node's replica
 * @param members      every member of the cluster's current configuration
 */
public record ClusterStats(String node, String role, String leader, long term, long commitIndex, long appliedIndex,
    List<Member> members) {

  public ClusterStats {
    members = members == null ? List.of() : List.copyOf(members);
  }

  /**
   * One member.
   *
   * @param id          its node id
   * @param address     its replication address
   * @param commitIndex the commit index it last reported to the leader, or -1 when not known
   * @param lag         entries it is behind the leader's commit index, or -1 when not known
   */
  public record Member(String id, String address, long commitIndex, long lag) {}
}
