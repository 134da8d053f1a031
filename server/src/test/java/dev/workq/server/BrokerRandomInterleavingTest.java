package dev.workq.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.ClientOptions;
import dev.workq.client.Delivery;
import dev.workq.client.QueueItem;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.QueueStats;
import dev.workq.protocol.StatsReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random interleavings of puts, gets, consumer acks and releases, and consumer
 * disconnects over several queues, against a real broker. Whatever the interleaving, every item
 * put must be acked exactly once (by a consumer or a get) and the broker must end with nothing
 * ready and nothing in flight. The seed is in every failure message; the network's timing is not
 * seeded, so a failing seed may need a few runs to reproduce.
 */
class BrokerRandomInterleavingTest {

  private static final List<String> QUEUES = List.of("r0", "r1", "r2");
  private static final int STEPS = 600;
  private static final int MAX_CONSUMERS = 4;

  private Broker broker;
  private WorkqClient producer;
  private final List<RandomConsumer> consumers = new ArrayList<>();
  private final Map<String, List<String>> history = new HashMap<>();

  @BeforeAll
  static void pollQuickly() {
    Awaitility.setDefaultPollDelay(Duration.ZERO);
    Awaitility.setDefaultPollInterval(Duration.ofMillis(2));
  }

  @AfterAll
  static void resetAwaitility() {
    Awaitility.reset();
  }

  @AfterEach
  void tearDown() {
    consumers.forEach(c -> c.client.close());
    if (producer != null) {
      producer.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1L, 0x5eedL, 20_240_611L})
  void everyItemPutIsAckedExactlyOnceWhateverTheInterleaving(long seed) {
    Random random = new Random(seed);
    broker = Broker.start(BrokerOptions.builder().port(0).build());
    producer = connect("producer");
    Map<String, String> queueOfItem = new HashMap<>();
    Map<String, Integer> acks = new HashMap<>();
    Map<String, Integer> actions = new TreeMap<>();
    consumers.add(new RandomConsumer("consumer-0", connect("consumer-0"), random));

    for (int step = 0; step < STEPS; step++) {
      double p = random.nextDouble();
      if (p < 0.35) {
        String queue = QUEUES.get(random.nextInt(QUEUES.size()));
        String id = producer.put(queue, "step-" + step);
        queueOfItem.put(id, queue);
        log(id, step, "put on " + queue);
        count(actions, "put");
      } else if (p < 0.60) {
        RandomConsumer c = randomConsumer(random);
        Delivery d = c == null ? null : c.pollRandom(random);
        if (d != null) {
          d.ack();
          acks.merge(d.id(), 1, Integer::sum);
          log(d.id(), step, "acked by " + c.name + " (tag " + d.tag() + ", attempt " + d.attempts() + ")");
          c.acked.add(d.id());
          count(actions, "ack");
        }
      } else if (p < 0.75) {
        RandomConsumer c = randomConsumer(random);
        Delivery d = c == null ? null : c.pollRandom(random);
        if (d != null) {
          d.release();
          log(d.id(), step, "released by " + c.name + " (tag " + d.tag() + ", attempt " + d.attempts() + ")");
          count(actions, "release");
        }
      } else if (p < 0.82) {
        Optional<QueueItem> item = producer.get(QUEUES.get(random.nextInt(QUEUES.size())), Duration.ZERO);
        int at = step;
        item.ifPresent(i -> {
          acks.merge(i.id(), 1, Integer::sum);
          log(i.id(), at, "taken by get (attempt " + i.attempts() + ")");
        });
        count(actions, item.isPresent() ? "get" : "get-empty");
      } else if (p < 0.88 && !consumers.isEmpty()) {
        // Whatever it holds goes back to the front of its queues.
        RandomConsumer gone = consumers.remove(random.nextInt(consumers.size()));
        // Barrier first: acks and releases this consumer sent must reach the broker before it
        // closes. Without it the client can lose them (a client bug, see
        // BrokerIntegrationTest#anAckSentRightBeforeTheClientClosesReachesTheBroker) and the broker
        // rightly redelivers what it never saw acked.
        gone.client.stats();
        gone.client.close();
        gone.logUnsettled(step);
        count(actions, "disconnect");
        if (random.nextBoolean()) {
          consumers.add(new RandomConsumer("consumer-" + step, connect("consumer-" + step), random));
        }
      } else if (p < 0.92 && consumers.size() < MAX_CONSUMERS) {
        consumers.add(new RandomConsumer("consumer-" + step, connect("consumer-" + step), random));
        count(actions, "connect");
      }
    }

    // Drain: a sweeper on every queue, then ack whatever anyone holds until every item is acked.
    RandomConsumer sweeper = new RandomConsumer("sweeper", connect("sweeper"), QUEUES, 8);
    consumers.add(sweeper);
    String context = "seed " + seed + ", actions " + actions;
    await("every item acked, " + context).atMost(Duration.ofSeconds(15)).pollInSameThread()
        .pollInterval(Duration.ofMillis(5))
        .until(() -> {
          for (RandomConsumer c : consumers) {
            Delivery d;
            while ((d = c.poll()) != null) {
              d.ack();
              acks.merge(d.id(), 1, Integer::sum);
              log(d.id(), STEPS, "acked by " + c.name + " in the drain (tag " + d.tag() + ", attempt " + d.attempts() + ")");
            }
          }
          return acks.keySet().containsAll(queueOfItem.keySet());
        });

    // Barrier per consumer: a duplicate delivery sent before this reply would now be in its inbox.
    for (RandomConsumer c : consumers) {
      c.client.stats();
      Delivery extra = c.poll();
      assertTrue(extra == null, "delivered after every item was acked: " + (extra == null ? "" : extra.id()) + "; " + context);
    }
    Map<String, Integer> duplicates = acks.entrySet().stream().filter(e -> e.getValue() != 1)
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    assertEquals(Map.of(), duplicates, "items acked more than once; " + context + "; their histories: "
        + duplicates.keySet().stream().collect(Collectors.toMap(id -> id, history::get)));
    assertEquals(queueOfItem.keySet(), acks.keySet(), "acked items are exactly the items put; " + context);

    await("broker settles every ack, " + context).atMost(Duration.ofSeconds(5))
        .until(() -> totalCompleted(broker.stats()) == queueOfItem.size());
    StatsReply stats = broker.stats();
    for (String queue : QUEUES) {
      QueueStats q = stats.queues().stream().filter(s -> s.name().equals(queue)).findFirst().orElseThrow();
      long put = queueOfItem.values().stream().filter(queue::equals).count();
      assertEquals(0, q.ready(), queue + " ready; " + context);
      assertEquals(0, q.inFlight(), queue + " in flight; " + context);
      assertEquals(put, q.completed(), queue + " completed; " + context);
      assertTrue(q.delivered() >= put, queue + " delivered; " + context);
    }
  }

  private static long totalCompleted(StatsReply stats) {
    return stats.queues().stream().filter(q -> QUEUES.contains(q.name())).mapToLong(QueueStats::completed).sum();
  }

  private static void count(Map<String, Integer> actions, String action) {
    actions.merge(action, 1, Integer::sum);
  }

  private RandomConsumer randomConsumer(Random random) {
    return consumers.isEmpty() ? null : consumers.get(random.nextInt(consumers.size()));
  }

  /** What happened to an item, step by step, for failure messages. */
  private void log(String id, int step, String event) {
    history.computeIfAbsent(id, k -> new ArrayList<>()).add(step + ": " + event);
  }

  private WorkqClient connect(String name) {
    return WorkqClient.connect(ClientOptions.builder().port(broker.port()).name(name)
        .requestTimeout(Duration.ofSeconds(10)).build());
  }

  /** A client subscribed to some queues, keeping every delivery until the test settles it. */
  private final class RandomConsumer {
    final String name;
    final WorkqClient client;
    final List<String> acked = new ArrayList<>();
    private final List<Delivery> inbox = new ArrayList<>();

    RandomConsumer(String name, WorkqClient client, Random random) {
      this(name, client, randomQueues(random), 1 + random.nextInt(4));
    }

    RandomConsumer(String name, WorkqClient client, List<String> queues, int prefetch) {
      this.name = name;
      this.client = client;
      for (String q : queues) {
        client.consume(q, prefetch, d -> {
          synchronized (inbox) {
            inbox.add(d);
          }
        });
      }
    }

    void logUnsettled(int step) {
      for (String id : acked) {
        log(id, step, name + " (which acked it) disconnected");
      }
      synchronized (inbox) {
        for (Delivery d : inbox) {
          log(d.id(), step, "held by " + name + " when it disconnected (tag " + d.tag() + ")");
        }
      }
    }

    private static List<String> randomQueues(Random random) {
      List<String> chosen = new ArrayList<>();
      for (String q : QUEUES) {
        if (random.nextBoolean()) {
          chosen.add(q);
        }
      }
      if (chosen.isEmpty()) {
        chosen.add(QUEUES.get(random.nextInt(QUEUES.size())));
      }
      return chosen;
    }

    Delivery poll() {
      synchronized (inbox) {
        return inbox.isEmpty() ? null : inbox.remove(0);
      }
    }

    Delivery pollRandom(Random random) {
      synchronized (inbox) {
        return inbox.isEmpty() ? null : inbox.remove(random.nextInt(inbox.size()));
      }
    }
  }
}
