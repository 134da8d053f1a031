package dev.workq.server;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a broker takes part in a cluster: its node id, every member's replication address, and the
 * Raft timings. A broker started with these ({@link ClusterNode#start}) is one node of a Raft
 * group (Apache Ratis); only the leader serves peers, and a put is confirmed once a majority of
 * the members have it durable.
 */
public final class ClusterOptions {

  /** How long a follower waits without hearing from a leader before it calls an election, at least: 1 s. */
  public static final Duration DEFAULT_ELECTION_TIMEOUT_MIN = Duration.ofSeconds(1);
  /** ... and at most (each node picks at random in between, so elections rarely tie): 2 s. */
  public static final Duration DEFAULT_ELECTION_TIMEOUT_MAX = Duration.ofSeconds(2);
  /** How long a leader that hears from no majority keeps its role before it steps down: 3 s. */
  public static final Duration DEFAULT_LEADER_STEP_DOWN = Duration.ofSeconds(3);
  /** Log entries between two Raft snapshots of the replicated state: 4096. */
  public static final long DEFAULT_SNAPSHOT_ENTRIES = 4096;

  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final String nodeId;
  private final Map<String, String> members;
  private final String advertise;
  private final Duration electionTimeoutMin;
  private final Duration electionTimeoutMax;
  private final Duration leaderStepDown;
  private final long snapshotEntries;
  private final java.nio.file.Path tlsCa;

  private ClusterOptions(Builder b) {
    this.tlsCa = b.tlsCa;
    this.nodeId = b.nodeId;
    this.members = Collections.unmodifiableMap(new LinkedHashMap<>(b.members));
    this.advertise = b.advertise;
    this.electionTimeoutMin = b.electionTimeoutMin;
    this.electionTimeoutMax = b.electionTimeoutMax;
    this.leaderStepDown = b.leaderStepDown;
    this.snapshotEntries = b.snapshotEntries;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** This node's id: one of {@link #members()}. */
  public String nodeId() {
    return nodeId;
  }

  /** Every member's id and replication address ({@code host:port}), in the order given. */
  public Map<String, String> members() {
    return members;
  }

  /** This node's replication address. */
  public String replicationAddress() {
    return members.get(nodeId);
  }

  /**
   * The client address ({@code host:port}) the other nodes send peers to while this node leads,
   * or null to derive it from the listen address (see {@link ClusterNode}).
   */
  public String advertise() {
    return advertise;
  }

  public Duration electionTimeoutMin() {
    return electionTimeoutMin;
  }

  public Duration electionTimeoutMax() {
    return electionTimeoutMax;
  }

  public Duration leaderStepDown() {
    return leaderStepDown;
  }

  public long snapshotEntries() {
    return snapshotEntries;
  }

  /** The CA that signed every node's certificate, or null: with one, Raft runs over mutual TLS. */
  public java.nio.file.Path tlsCa() {
    return tlsCa;
  }

  /** How this node talks Raft: mutual TLS with the broker's certificate and key and {@link #tlsCa()}. */
  public RaftTls tls(SecurityOptions security) {
    return new RaftTls(tlsCa == null ? null : security.tlsCert(), tlsCa == null ? null : security.tlsKey(), tlsCa,
        security.insecure());
  }

  /**
   * Parses {@code --cluster}'s form, {@code ID=HOST:PORT,ID=HOST:PORT,...}.
   *
   * @throws IllegalArgumentException naming the entry that is malformed or repeated
   */
  public static Map<String, String> parseMembers(String spec) {
    Objects.requireNonNull(spec, "spec");
    Map<String, String> members = new LinkedHashMap<>();
    for (String entry : spec.split(",")) {
      String e = entry.trim();
      if (e.isEmpty()) {
        continue;
      }
      int eq = e.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("cluster member '" + e + "' is not ID=HOST:PORT");
      }
      String id = e.substring(0, eq);
      String address = e.substring(eq + 1);
      checkNodeId(id);
      checkAddress(id, address);
      if (members.put(id, address) != null) {
        throw new IllegalArgumentException("cluster member '" + id + "' is given twice");
      }
    }
    if (members.isEmpty()) {
      throw new IllegalArgumentException("--cluster names no member: give ID=HOST:PORT,ID=HOST:PORT,...");
    }
    return members;
  }

  static void checkNodeId(String id) {
    if (id == null || !NODE_ID.matcher(id).matches()) {
      throw new IllegalArgumentException("node id '" + id + "' must be 1 to 64 letters, digits, '_' or '-'");
    }
  }

  static void checkAddress(String id, String address) {
    int colon = address.lastIndexOf(':');
    String why = null;
    if (colon <= 0 || colon == address.length() - 1) {
      why = "is not HOST:PORT";
    } else {
      try {
        int port = Integer.parseInt(address.substring(colon + 1));
        if (port < 1 || port > 65535) {
          why = "has port " + port + ", outside 1 to 65535";
        }
      } catch (NumberFormatException e) {
        why = "has a port that is not a number";
      }
    }
    if (why != null) {
      throw new IllegalArgumentException("address '" + address + "' of " + id + " " + why);
    }
  }

  /** Builds {@link ClusterOptions}; {@link #nodeId} and {@link #members} are required. */
  public static final class Builder {
    private String nodeId;
    private Map<String, String> members = Map.of();
    private String advertise;
    private Duration electionTimeoutMin = DEFAULT_ELECTION_TIMEOUT_MIN;
    private Duration electionTimeoutMax = DEFAULT_ELECTION_TIMEOUT_MAX;
    private Duration leaderStepDown = DEFAULT_LEADER_STEP_DOWN;
    private long snapshotEntries = DEFAULT_SNAPSHOT_ENTRIES;
    private java.nio.file.Path tlsCa;

    private Builder() {}

    /** The CA of the nodes' certificates ({@code --cluster-ca}); with it, Raft runs over mutual TLS. */
    public Builder tlsCa(java.nio.file.Path ca) {
      this.tlsCa = ca;
      return this;
    }

    public Builder nodeId(String nodeId) {
      checkNodeId(nodeId);
      this.nodeId = nodeId;
      return this;
    }

    /** Every member, this node included: id to replication address. */
    public Builder members(Map<String, String> members) {
      members.forEach((id, address) -> {
        checkNodeId(id);
        checkAddress(id, address);
      });
      this.members = new LinkedHashMap<>(members);
      return this;
    }

    /** As {@link #members(Map)}, in {@code --cluster}'s form. */
    public Builder members(String spec) {
      return members(parseMembers(spec));
    }

    public Builder advertise(String hostPort) {
      if (hostPort != null) {
        checkAddress("--advertise", hostPort);
      }
      this.advertise = hostPort;
      return this;
    }

    public Builder electionTimeout(Duration min, Duration max) {
      if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
        throw new IllegalArgumentException("election timeout must be positive, min <= max; got " + min + " and " + max);
      }
      this.electionTimeoutMin = min;
      this.electionTimeoutMax = max;
      return this;
    }

    public Builder leaderStepDown(Duration wait) {
      if (wait.isNegative() || wait.isZero()) {
        throw new IllegalArgumentException("leader step-down wait must be positive, got " + wait);
      }
      this.leaderStepDown = wait;
      return this;
    }

    public Builder snapshotEntries(long entries) {
      if (entries < 1) {
        throw new IllegalArgumentException("snapshot entries must be at least 1, got " + entries);
      }
      this.snapshotEntries = entries;
      return this;
    }

    /** @throws IllegalArgumentException if the node id is missing or not among the members */
    public ClusterOptions build() {
      if (nodeId == null) {
        throw new IllegalArgumentException("a cluster node needs its id (--node)");
      }
      if (!members.containsKey(nodeId)) {
        throw new IllegalArgumentException("node " + nodeId + " is not among the cluster members " + members.keySet()
            + ": --cluster must list every member, this one included");
      }
      return new ClusterOptions(this);
    }
  }
}
