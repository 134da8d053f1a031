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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * RabbitMQ with classic queues {@code bench.tasks} and {@code bench.done} on the default exchange.
 * Durable: durable queues, persistent messages, publisher confirms on the submitter (a nack is
 * an error), manual acks. Transient: non-durable queues, transient messages, no confirms, manual
 * acks. Workers: one channel with {@code basicQos(prefetch)}, deliveries run on a pool of
 * {@code concurrency} threads that publish the result and then ack the task.
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
    return durable ? "classic durable queues, persistent messages, publisher confirms, manual acks"
        : "classic non-durable queues, transient messages, no confirms, manual acks";
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
    Connection conn = factory(port).newConnection("bench-submitter");
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
    Channel col = conn.createChannel();
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
        } catch (Exception e) {
          sink.onError("rabbitmq close: " + e);
        }
      }
    };
  }

  /** A worker process: one channel, prefetch {@code prefetch}, a pool of {@code concurrency}. */
  public static void runWorker(int port, boolean durable, int concurrency, int prefetch) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    Connection conn = factory(port).newConnection("bench-worker");
    Channel ch = conn.createChannel();
    ch.basicQos(prefetch);
    AMQP.BasicProperties props = durable ? MessageProperties.PERSISTENT_BASIC : MessageProperties.BASIC;
    ch.basicConsume(TASKS, false, (tag, d) -> pool.execute(() -> {
      try {
        ch.basicPublish("", DONE, props, Arrays.copyOf(d.getBody(), 8));
        ch.basicAck(d.getEnvelope().getDeliveryTag(), false);
      } catch (Exception e) {
        e.printStackTrace();
      }
    }), tag -> {});
    new CountDownLatch(1).await();
  }
}
