package dev.workq.cli.commands;

import dev.workq.cli.Durations;
import dev.workq.cli.Logging;
import dev.workq.protocol.auth.Authkey;
import dev.workq.protocol.auth.SecretFile;
import dev.workq.server.Broker;
import dev.workq.server.ClusterNode;
import dev.workq.server.ClusterOptions;
import dev.workq.server.BrokerOptions;
import dev.workq.server.DeliveryOptions;
import dev.workq.server.DurabilityOptions;
import dev.workq.server.FsyncPolicy;
import dev.workq.server.HttpOptions;
import dev.workq.server.LimitOptions;
import dev.workq.server.ListenOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code workq broker}: runs the broker daemon until SIGINT or SIGTERM, then closes it and exits
 * 0; exits 70 if the broker stopped itself on a fatal error, 2 on bad usage.
 */
@Command(name = "broker", mixinStandardHelpOptions = true, description = "Run the broker daemon.")
public final class BrokerCommand implements Callable<Integer> {

  @Option(names = "--host", defaultValue = ListenOptions.DEFAULT_HOST, description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host;

  /** Exit status after the broker stopped itself on a fatal error (EX_SOFTWARE). */
  static final int EXIT_FATAL = 70;

  @Option(names = "--port", defaultValue = "" + ListenOptions.DEFAULT_PORT, description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--max-frame", paramLabel = "BYTES", defaultValue = "" + ListenOptions.DEFAULT_MAX_FRAME,
      description = "Largest frame accepted (default: ${DEFAULT-VALUE}).")
  int maxFrame;

  @Option(names = "--max-queue-length", paramLabel = "N", defaultValue = "" + LimitOptions.DEFAULT_MAX_QUEUE_LENGTH,
      description = "Ready items a queue holds before puts fail with QUEUE_FULL (default: ${DEFAULT-VALUE}).")
  int maxQueueLength;

  @Option(names = "--io-threads", paramLabel = "N", description = "I/O threads (default: one per core, at most 4).")
  Integer ioThreads;

  @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "" + HttpOptions.DEFAULT_PORT,
      description = "Serve Prometheus metrics (/metrics), the JSON API (/api) and the dashboard (/) on this port: HTTPS with --tls-cert's "
          + "certificate when there is one, plaintext on a loopback --host only; beyond loopback or with an authkey it needs "
          + "--http-token-file and/or --http-admin-token-file; -1 turns it off (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "workq-data",
      description = "Where the journal lives (default: ./${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--in-memory", description = "Keep no journal: everything is lost when the broker stops.")
  boolean inMemory;

  @Option(names = "--fsync", paramLabel = "POLICY", defaultValue = "always",
      description = "always: a put is confirmed once it is on disk (group commit); batch: fsync at most every --fsync-interval-ms, "
          + "a power loss can lose puts confirmed in that window; never: no fsync, a power loss can lose anything the OS had not written "
          + "(default: ${DEFAULT-VALUE}).")
  String fsync;

  // The time options' defaults are Durations, not compile-time constants, so they are these
  // fields' initial values, which picocli also shows as ${DEFAULT-VALUE}.
  @Option(names = "--fsync-interval-ms", paramLabel = "MS",
      description = "Longest time between fsyncs with --fsync batch (default: ${DEFAULT-VALUE}).")
  long fsyncIntervalMs = DurabilityOptions.DEFAULT_FSYNC_INTERVAL.toMillis();

  @Option(names = "--max-attempts", paramLabel = "N", defaultValue = "" + DeliveryOptions.DEFAULT_MAX_ATTEMPTS,
      description = "Deliveries a task gets before the dead letters, unless it asks otherwise (default: ${DEFAULT-VALUE}).")
  int maxAttempts;

  @Option(names = "--lease-ms", paramLabel = "MS",
      description = "Lease of a delivery without renewal, unless the task asks otherwise (default: ${DEFAULT-VALUE}).")
  long leaseMs = DeliveryOptions.DEFAULT_LEASE.toMillis();

  @Option(names = "--retry-backoff-ms", paramLabel = "MS",
      description = "Delay before the first retry of a failed task, doubling per attempt with jitter (default: ${DEFAULT-VALUE}).")
  long retryBackoffMs = DeliveryOptions.DEFAULT_RETRY_BACKOFF.toMillis();

  @Option(names = "--retry-backoff-max-ms", paramLabel = "MS",
      description = "Longest retry delay (default: ${DEFAULT-VALUE}).")
  long retryBackoffMaxMs = DeliveryOptions.DEFAULT_RETRY_BACKOFF_MAX.toMillis();

  @Option(names = "--authkey-file", paramLabel = "FILE",
      description = "File holding the shared authkey every worker and client must prove (not readable by other users); "
          + "default: $WORKQ_AUTHKEY, else no key, and then the broker listens on loopback only.")
  Path authkeyFile;

  @Option(names = "--insecure", description = "Allow listening on a non-loopback address without an authkey.")
  boolean insecure;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "Certificate chain (PEM): turns TLS on, with --tls-key.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "Private key (PKCS#8 PEM) of --tls-cert.")
  Path tlsKey;

  @Option(names = "--tls-client-ca", paramLabel = "PEM", description = "Require client certificates signed by these CAs (mutual TLS).")
  Path tlsClientCa;

  @Option(names = "--http-token-file", paramLabel = "FILE",
      description = "File holding the HTTP read token (at least 16 bytes; /metrics and the API's GETs; not readable by other users); "
          + "default: $" + HttpOptions.TOKEN_ENV + ", else none. Never the authkey.")
  Path httpTokenFile;

  @Option(names = "--http-admin-token-file", paramLabel = "FILE",
      description = "File holding the HTTP admin token (at least 16 bytes; reads and actions: pause, resume, requeue, purge, delete); "
          + "default: $" + HttpOptions.ADMIN_TOKEN_ENV + ", else none. Never the authkey.")
  Path httpAdminTokenFile;

  @Option(names = "--http-allow-host", paramLabel = "NAME",
      description = "Another name the HTTP port answers for in the Host header (repeatable); by default it answers for the bound "
          + "address, localhost, 127.0.0.1, [::1] and this machine's host name.")
  java.util.List<String> httpAllowHosts = new java.util.ArrayList<>();

  @Option(names = "--http-tls-cert", paramLabel = "PEM",
      description = "Certificate chain (PEM) for HTTPS on the HTTP port, with --http-tls-key (default: --tls-cert's).")
  Path httpTlsCert;

  @Option(names = "--http-tls-key", paramLabel = "PEM", description = "Private key (PKCS#8 PEM) of --http-tls-cert.")
  Path httpTlsKey;

  @Option(names = "--http-max-connections", paramLabel = "N", defaultValue = "" + HttpOptions.DEFAULT_MAX_CONNECTIONS,
      description = "Connections the HTTP port serves at once; one more gets 503 (default: ${DEFAULT-VALUE}).")
  int httpMaxConnections;

  @Option(names = "--handshake-timeout-ms", paramLabel = "MS",
      description = "Time a connection has to finish TLS, the authkey exchange and HELLO (default: ${DEFAULT-VALUE}).")
  long handshakeTimeoutMs = ListenOptions.DEFAULT_HANDSHAKE_TIMEOUT.toMillis();

  @Option(names = "--idle-timeout-ms", paramLabel = "MS",
      description = "Time a connection may send nothing before it is closed; clients ping every third of it (default: ${DEFAULT-VALUE}).")
  long idleTimeoutMs = ListenOptions.DEFAULT_IDLE_TIMEOUT.toMillis();

  @Option(names = "--max-connections", paramLabel = "N", defaultValue = "" + ListenOptions.DEFAULT_MAX_CONNECTIONS,
      description = "Connections served at once (default: ${DEFAULT-VALUE}).")
  int maxConnections;

  @Option(names = "--max-unacked", paramLabel = "N", defaultValue = "" + LimitOptions.DEFAULT_MAX_UNACKED_PER_CONNECTION,
      description = "Deliveries one connection may hold unacked, over all its consumers and fetches (default: ${DEFAULT-VALUE}).")
  int maxUnacked;

  @Option(names = "--max-memory-bytes", paramLabel = "BYTES", defaultValue = "0",
      description = "Bytes the items the broker holds may take over all queues before submits get MEMORY_LIMIT "
          + "(default: 0, meaning 25% of the JVM's max heap).")
  long maxMemoryBytes;

  @Option(names = "--max-queue-bytes", paramLabel = "BYTES", defaultValue = "0",
      description = "Bytes one queue's items may take before submits to it get QUEUE_FULL (default: 0, meaning half of --max-memory-bytes).")
  long maxQueueBytes;

  @Option(names = "--max-pending-bytes", paramLabel = "BYTES", defaultValue = "0",
      description = "Bytes of requests read and not yet handled, over all connections, before the broker stops reading "
          + "(default: 0, meaning 1/8 of the JVM's max heap).")
  long maxPendingBytes;

  @Option(names = "--max-queues", paramLabel = "N", defaultValue = "" + LimitOptions.DEFAULT_MAX_QUEUES,
      description = "Queues the broker holds; creating one more fails with QUEUE_LIMIT (default: ${DEFAULT-VALUE}).")
  int maxQueues;

  @Option(names = "--max-queues-per-connection", paramLabel = "N", defaultValue = "" + LimitOptions.DEFAULT_MAX_QUEUES_PER_CONNECTION,
      description = "Queues one connection may create (default: ${DEFAULT-VALUE}).")
  int maxQueuesPerConnection;

  @Option(names = "--max-consumers", paramLabel = "N", defaultValue = "" + LimitOptions.DEFAULT_MAX_CONSUMERS,
      description = "Consumers over all connections (default: ${DEFAULT-VALUE}).")
  int maxConsumers;

  @Option(names = "--max-consumers-per-connection", paramLabel = "N", defaultValue = "" + LimitOptions.DEFAULT_MAX_CONSUMERS_PER_CONNECTION,
      description = "Consumers one connection may hold (default: ${DEFAULT-VALUE}).")
  int maxConsumersPerConnection;

  @Option(names = "--result-retention", paramLabel = "DURATION", defaultValue = "1h", converter = Durations.Delay.class,
      description = "How long a finished task's state and result stay findable by id (status, wait), which is also how long "
          + "its dedup key keeps deduplicating: a number with ms, s, m or h (default: ${DEFAULT-VALUE}; 0 keeps none).")
  Duration resultRetention;

  @Option(names = "--max-retained-results", paramLabel = "N", defaultValue = "" + LimitOptions.DEFAULT_MAX_RETAINED_RESULTS,
      description = "Finished tasks retained at most; the oldest go first (default: ${DEFAULT-VALUE}).")
  int maxRetainedResults;

  @Option(names = "--max-retained-bytes", paramLabel = "BYTES", defaultValue = "" + LimitOptions.DEFAULT_MAX_RETAINED_BYTES,
      description = "Bytes of result records retained at most; the oldest go first (default: ${DEFAULT-VALUE}).")
  long maxRetainedBytes;

  @Option(names = "--max-waits-per-connection", paramLabel = "N", defaultValue = "" + LimitOptions.DEFAULT_MAX_WAITS_PER_CONNECTION,
      description = "Task waits and queue joins one connection may have waiting at once (default: ${DEFAULT-VALUE}).")
  int maxWaitsPerConnection;

  @Option(names = "--handshake-max-frame", paramLabel = "BYTES", defaultValue = "" + ListenOptions.DEFAULT_HANDSHAKE_MAX_FRAME,
      description = "Largest frame accepted before the handshake completes; --max-frame applies after it (default: ${DEFAULT-VALUE}).")
  int handshakeMaxFrame;

  @Option(names = "--max-handshakes-per-address", paramLabel = "N", defaultValue = "" + ListenOptions.DEFAULT_MAX_HANDSHAKES_PER_ADDRESS,
      description = "Connections from one IP address that may be in their handshake at once; one more closes the oldest (default: ${DEFAULT-VALUE}).")
  int maxHandshakesPerAddress;

  @Option(names = "--handshake-buffer-budget", paramLabel = "BYTES", defaultValue = "" + ListenOptions.DEFAULT_HANDSHAKE_BUFFER_BUDGET,
      description = "Bytes all connections in their handshake may hold in partial frames; past it the oldest are closed (default: ${DEFAULT-VALUE}).")
  long handshakeBufferBudget;

  @Option(names = "--node", paramLabel = "ID",
      description = "This broker's id in a cluster: one of the ids --cluster lists (with --cluster).")
  String node;

  @Option(names = "--cluster", paramLabel = "ID=HOST:PORT,...",
      description = "Run as one node of a replicated cluster: every member's id and replication (Raft) address, this one included. "
          + "Only the leader serves; a put is confirmed once a majority has it. Needs --node, --data-dir and a fixed --port.")
  String cluster;

  @Option(names = "--cluster-ca", paramLabel = "PEM",
      description = "In a cluster: the CA that signed every node's certificate; with --tls-cert and --tls-key the nodes replicate "
          + "over mutual TLS. Without it, replication is plaintext, refused off loopback unless --insecure.")
  Path clusterCa;

  @Option(names = "--advertise", paramLabel = "HOST:PORT",
      description = "In a cluster: the client address the other nodes send peers to while this node leads "
          + "(default: --host and --port; with a wildcard --host, the host of this node's replication address).")
  String advertise;

  /**
   * A non-loopback --host without a key or --insecure is a bad combination of options: say so
   * with the usage status before anything is opened (Broker.start refuses it too, as a failure).
   */
  private void refuseOpenListenerWithoutKey(BrokerOptions options) {
    if (options.security().authkey() != null || insecure) {
      return;
    }
    boolean loopback;
    try {
      loopback = java.net.InetAddress.getByName(options.listen().host()).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return; // Broker.start reports the unknown host.
    }
    if (!loopback) {
      throw new dev.workq.cli.CliFailure("refusing to listen on " + options.listen().host() + " without an authkey: anyone who can reach it could "
          + "run tasks; give --authkey-file (or set " + Authkey.ENV + "), or --insecure to do it anyway", dev.workq.cli.Workq.EXIT_USAGE);
    }
  }

  /** Runs this broker as a cluster node until it is stopped. */
  private int runClusterNode(BrokerOptions options) {
    if (cluster == null || node == null) {
      throw new dev.workq.cli.CliFailure("a cluster node needs both --node and --cluster", dev.workq.cli.Workq.EXIT_USAGE);
    }
    if (inMemory) {
      throw new dev.workq.cli.CliFailure("a cluster node keeps its Raft log in --data-dir: --in-memory does not apply",
          dev.workq.cli.Workq.EXIT_USAGE);
    }
    ClusterOptions clusterOptions;
    try {
      clusterOptions = ClusterOptions.builder().members(cluster).nodeId(node).advertise(advertise).tlsCa(clusterCa).build();
    } catch (IllegalArgumentException e) {
      throw new dev.workq.cli.CliFailure(e.getMessage(), dev.workq.cli.Workq.EXIT_USAGE);
    }
    ClusterNode clusterNode = ClusterNode.start(options, clusterOptions);
    Runtime.getRuntime().addShutdownHook(new Thread(clusterNode::close, "workq-shutdown"));
    onSigterm(clusterNode::close);
    System.out.println("workq cluster node " + node + " listening on " + options.listen().host() + ":" + options.listen().port()
        + " for clients, on " + clusterOptions.replicationAddress() + " for replication ("
        + (options.security().authkey() != null ? "authkey required; " : "no authkey; ") + "Raft log in "
        + dataDir.toAbsolutePath().normalize() + ", fsync " + fsync + "); members " + clusterOptions.members().keySet()
        + "; it serves while it leads, and sends peers to the leader otherwise");
    System.out.flush();
    try {
      clusterNode.closeFuture().join();
    } catch (java.util.concurrent.CompletionException e) {
      return EXIT_FATAL;
    }
    return 0;
  }

  /**
   * SIGTERM (and SIGINT) close the broker gracefully instead of killing the JVM, so a supervisor
   * that stops it sees exit 0, not 143; closeFuture then completes normally.
   */
  @SuppressWarnings("restriction")
  private static void onSigterm(Runnable stop) {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> new Thread(stop, "workq-sig" + name).start());
      } catch (IllegalArgumentException e) {
        // The platform does not have this signal; the default behaviour stays.
      }
    }
  }

  private static FsyncPolicy fsyncPolicy(String name) {
    try {
      return FsyncPolicy.valueOf(name.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--fsync must be always, batch or never, got '" + name + "'");
    }
  }

  /**
   * --fsync-interval-ms as a Duration. Checked here because the message for this flag has always
   * named the millisecond value (the library's names the Duration).
   */
  private Duration fsyncInterval() {
    long min = DurabilityOptions.MIN_FSYNC_INTERVAL.toMillis();
    long max = DurabilityOptions.MAX_FSYNC_INTERVAL.toMillis();
    if (fsyncIntervalMs < min || fsyncIntervalMs > max) {
      throw new IllegalArgumentException("fsyncIntervalMs must be " + min + ".." + max + ", got " + fsyncIntervalMs);
    }
    return Duration.ofMillis(fsyncIntervalMs);
  }

  /** The flags, mapped onto the broker's option groups, whose setters check them. */
  private BrokerOptions options() {
    return BrokerOptions.builder()
        .listen(l -> {
          l.host(host).port(port).maxFrame(maxFrame)
              .handshakeTimeout(Duration.ofMillis(handshakeTimeoutMs)).idleTimeout(Duration.ofMillis(idleTimeoutMs))
              .maxConnections(maxConnections)
              .handshakeMaxFrame(handshakeMaxFrame).maxHandshakesPerAddress(maxHandshakesPerAddress)
              .handshakeBufferBudget(handshakeBufferBudget);
          if (ioThreads != null) {
            l.ioThreads(ioThreads);
          }
        })
        .security(s -> s.authkey(Authkey.resolve(authkeyFile, System.getenv(Authkey.ENV))).insecure(insecure)
            .tls(tlsCert, tlsKey).tlsClientCa(tlsClientCa))
        .durability(d -> d.dataDir(inMemory ? null : dataDir).fsync(fsyncPolicy(fsync))
            .fsyncInterval(fsyncInterval()))
        .delivery(d -> d.maxAttempts(maxAttempts).lease(Duration.ofMillis(leaseMs))
            .retryBackoff(Duration.ofMillis(retryBackoffMs), Duration.ofMillis(retryBackoffMaxMs))
            .resultRetention(resultRetention))
        .limits(l -> l.maxQueueLength(maxQueueLength).maxUnackedPerConnection(maxUnacked)
            .maxMemoryBytes(maxMemoryBytes).maxQueueBytes(maxQueueBytes).maxPendingBytes(maxPendingBytes)
            .maxQueues(maxQueues).maxQueuesPerConnection(maxQueuesPerConnection)
            .maxConsumers(maxConsumers).maxConsumersPerConnection(maxConsumersPerConnection)
            .maxRetainedResults(maxRetainedResults).maxRetainedBytes(maxRetainedBytes)
            .maxWaitsPerConnection(maxWaitsPerConnection))
        .http(h -> {
          h.port(httpPort).tls(httpTlsCert, httpTlsKey).maxConnections(httpMaxConnections)
              .readToken(SecretFile.resolve(httpTokenFile, HttpOptions.TOKEN_ENV, System.getenv(HttpOptions.TOKEN_ENV),
                  "HTTP token", HttpOptions.MAX_TOKEN_BYTES))
              .adminToken(SecretFile.resolve(httpAdminTokenFile, HttpOptions.ADMIN_TOKEN_ENV, System.getenv(HttpOptions.ADMIN_TOKEN_ENV),
                  "HTTP admin token", HttpOptions.MAX_TOKEN_BYTES));
          httpAllowHosts.forEach(h::allowHost);
        })
        .build();
  }

  @Override
  public Integer call() throws InterruptedException {
    Logging.daemon();
    BrokerOptions options;
    try {
      options = options();
    } catch (IllegalArgumentException e) {
      throw new dev.workq.cli.CliFailure(e.getMessage(), dev.workq.cli.Workq.EXIT_USAGE);
    }
    refuseOpenListenerWithoutKey(options);
    if (cluster != null || node != null) {
      return runClusterNode(options);
    }
    Broker broker = Broker.start(options);
    // Other ways the JVM ends (System.exit elsewhere) still close the broker.
    Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "workq-shutdown"));
    onSigterm(broker::close);
    System.out.println("workq broker listening on " + broker.address().getHostString() + ":" + broker.port()
        + (options.security().tls() ? " (TLS" : " (plaintext") + (options.security().authkey() != null ? ", authkey required; " : ", no authkey; ")
        + (inMemory ? "in memory, no journal)" : "journal in " + dataDir.toAbsolutePath().normalize() + ", fsync " + fsync + ")"));
    if (broker.httpPort() >= 0) {
      System.out.println("dashboard and metrics on " + (broker.httpsEnabled() ? "https://" : "http://") + broker.address().getHostString() + ":" + broker.httpPort() + "/");
    }
    System.out.flush();
    try {
      broker.closeFuture().join();
    } catch (java.util.concurrent.CompletionException e) {
      // The broker stopped itself after a fatal error (logged where it happened): a supervisor
      // should see a failure and restart it.
      return EXIT_FATAL;
    }
    return 0;
  }
}
