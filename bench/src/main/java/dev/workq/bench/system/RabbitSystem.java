package dev.workq.bench.system;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.MessageProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * RabbitMQ with classic queues {@code bench.tasks} and {@code bench.done} on the default exchange.
 * Durable: durable queues, persistent messages, publisher confirms on the submitter (a nack is
 * an error), manual acks. Transient: non-durable queues, transient messages, no confirms, manual
 * acks. Workers: a channel per consumer thread ({@link #runWorker}), each publishing the task's
 * message back as its result and then acking it. The submitter publishes on one connection and
 * consumes results on another, as the documentation recommends for publishers and consumers.
 *
 * <p>The server is {@code /usr/lib/rabbitmq/bin/rabbitmq-server} run as a child with its own node
 * name, ports, Mnesia directory and its own {@code epmd}, so it touches no system-wide RabbitMQ.
 */
public final class RabbitSystem extends PeerBase {

  static final String TASKS = "bench.tasks";
  static final String DONE = "bench.done";

  private final boolean durable;
  private Process epmd;

  public RabbitSystem(boolean durable) {
    this.durable = durable;
  }

  @Override
  public String name() {
    return durable ? "rabbitmq durable" : "rabbitmq transient";
  }

  @Override
  public String settings() {
    String queues = durable ? "classic durable queues, persistent messages, publisher confirms (async), manual acks"
        : "classic non-durable queues, transient messages, no confirms, manual acks";
    int c = ctx == null ? 4 : ctx.concurrency();
    return queues + "; workers: " + c + " channels x basicQos " + (ctx == null ? "P/C" : Math.max(1, ctx.prefetch() / c))
        + ", results on a publishing connection";
  }

  @Override
  protected void startServer() throws Exception {
    Path dir = ctx.workDir();
    int epmdPort = Procs.freePort();
    Map<String, String> env = Map.of("ERL_EPMD_PORT", "" + epmdPort, "ERL_EPMD_ADDRESS", "127.0.0.1");
    // Our own epmd in the foreground, so it is our child and stops with the run.
    epmd = Procs.start(List.of("epmd", "-port", "" + epmdPort, "-address", "127.0.0.1"), dir.resolve("epmd.log"), env);
    processes.add(epmd);
    Procs.waitForPort(epmdPort, Duration.ofSeconds(10), epmd, dir.resolve("epmd.log"));
    Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
    Files.writeString(dir.resolve("rabbitmq.conf"), "loopback_users = none\nlisteners.tcp.default = " + port + "\n");
    Map<String, String> renv = new java.util.HashMap<>(env);
    renv.putAll(Map.of(
        "HOME", dir.toString(),
        "RABBITMQ_NODENAME", "bench" + port + "@localhost",
        "RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1",
        "RABBITMQ_NODE_PORT", "" + port,
        "RABBITMQ_DIST_PORT", "" + Procs.freePort(),
        "RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString(),
        "RABBITMQ_LOG_BASE", dir.resolve("log").toString(),
        "RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq").toString(),
        "RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString()));
    renv.put("RABBITMQ_PID_FILE", dir.resolve("rabbit.pid").toString());
    server = Procs.start(List.of("/usr/lib/rabbitmq/bin/rabbitmq-server"), dir.resolve("rabbitmq.log"), renv);
    processes.add(server);
    Procs.waitForPort(port, Duration.ofSeconds(90), server, dir.resolve("rabbitmq.log"));
  }

  @Override
  protected void setUp() throws Exception {
    try (Connection c = factory(port).newConnection(); Channel ch = c.createChannel()) {
      ch.queueDeclare(TASKS, durable, false, false, null);
      ch.queueDeclare(DONE, durable, false, false, null);
    }
  }

  @Override
  protected List<String> workerArgs() {
    return durable ? List.of("--system", "rabbitmq", "--durable") : List.of("--system", "rabbitmq");
  }

  static ConnectionFactory factory(int port) {
    ConnectionFactory f = new ConnectionFactory();
    f.setHost("127.0.0.1");
    f.setPort(port);
    return f;
  }

  @Override
  public Submitter submitter(ResultSink sink) throws Exception {
    RunIds ids = new RunIds(++runs);
    Connection conn = factory(port).newConnection("bench-submitter-publish");
    Connection results = factory(port).newConnection("bench-submitter-consume");
    Channel pub = conn.createChannel();
    if (durable) {
      pub.confirmSelect();
      pub.addConfirmListener(new ConfirmListener() {
        @Override
        public void handleAck(long tag, boolean multiple) {}

        @Override
        public void handleNack(long tag, boolean multiple) {
          sink.onError("rabbitmq nack for publish " + tag + (multiple ? " and earlier" : ""));
        }
      });
    }
    Channel col = results.createChannel();
    col.basicQos(1024);
    col.basicConsume(DONE, false, (tag, d) -> {
      ids.deliver(d.getBody(), sink);
      col.basicAck(d.getEnvelope().getDeliveryTag(), false);
    }, tag -> {});
    AMQP.BasicProperties props = durable ? MessageProperties.PERSISTENT_BASIC : MessageProperties.BASIC;
    return new Submitter() {
      @Override
      public void submit(long id, byte[] payload) throws Exception {
        pub.basicPublish("", TASKS, props, Procs.withId(ids.encode(id), payload));
      }

      @Override
      public void close() {
        try {
          conn.close(5000);
          results.close(5000);
        } catch (Exception e) {
          sink.onError("rabbitmq close: " + e);
        }
      }
    };
  }

  /**
   * A worker process as RabbitMQ's documentation recommends for throughput: a channel per consumer
   * thread, each with {@code basicQos(prefetch / concurrency)} (so the process holds at most the
   * prefetch), deliveries on the connection's consumer pool of {@code concurrency} threads (the
   * client runs one channel's deliveries in order on one thread at a time), and the results
   * published on a connection of their own with a channel per consumer channel: a publishing
   * connection the broker throttles (flow control) must not hold up the acks.
   */
  public static void runWorker(int port, boolean durable, int concurrency, int prefetch) throws Exception {
    ConnectionFactory f = factory(port);
    Connection consuming = f.newConnection(Executors.newFixedThreadPool(concurrency), "bench-worker-consume");
    Connection publishing = f.newConnection("bench-worker-publish");
    int perChannel = Math.max(1, prefetch / concurrency);
    AMQP.BasicProperties props = durable ? MessageProperties.PERSISTENT_BASIC : MessageProperties.BASIC;
    for (int c = 0; c < concurrency; c++) {
      Channel ch = consuming.createChannel();
      Channel results = publishing.createChannel();
      ch.basicQos(perChannel);
      ch.basicConsume(TASKS, false, (tag, d) -> {
        // The task's whole message (id and payload) is its result, as workq's echo returns its payload.
        results.basicPublish("", DONE, props, d.getBody());
        ch.basicAck(d.getEnvelope().getDeliveryTag(), false);
      }, tag -> {});
    }
    new CountDownLatch(1).await();
  }
}
