package dev.workq.cli.commands;

import dev.workq.protocol.Printable;
import dev.workq.cli.BrokerAddress;
import dev.workq.cli.CliFailure;
import dev.workq.cli.Logging;
import dev.workq.client.Delivery;
import dev.workq.client.DeliveryListener;
import dev.workq.client.Subscription;
import dev.workq.client.WorkqClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code workq results}: takes N items off a done queue and prints each as one line of JSON. An
 * item is acked only after it is printed, so one that arrives as the command gives up goes back
 * to the queue. Exit 1 if fewer than N arrived in time.
 */
@Command(name = "results", mixinStandardHelpOptions = true, description = "Take results off a done queue and print them.")
public final class ResultsCommand implements Callable<Integer> {

  @Mixin
  BrokerAddress broker;

  @Option(names = "--queue", required = true, description = "The done queue, e.g. tasks.done.")
  String queue;

  @Option(names = "--count", paramLabel = "N", required = true, description = "How many results to take.")
  int count;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30", description = "How long to wait in all (default: ${DEFAULT-VALUE}).")
  double timeoutSeconds;

  @Override
  public Integer call() throws InterruptedException {
    Logging.command();
    if (count < 1) {
      throw new CliFailure("--count must be at least 1, got " + count, dev.workq.cli.Workq.EXIT_USAGE);
    }
    if (!(timeoutSeconds >= 0) || Double.isInfinite(timeoutSeconds)) {
      throw new CliFailure("--timeout must be a number of seconds, 0 or more, got " + timeoutSeconds, dev.workq.cli.Workq.EXIT_USAGE);
    }
    LinkedBlockingQueue<Object> arrived = new LinkedBlockingQueue<>();
    int taken = 0;
    try (WorkqClient client = WorkqClient.connect(broker.options().build())) {
      Subscription sub = client.consume(queue, Math.min(count, 256), new DeliveryListener() {
        @Override
        public void onDelivery(Delivery delivery) {
          arrived.add(delivery);
        }

        @Override
        public void onClose(String reason) {
          arrived.add(reason);
        }
      });
      long deadline = System.nanoTime() + (long) (timeoutSeconds * 1e9);
      while (taken < count) {
        Object o = arrived.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (o == null) {
          break;
        }
        if (o instanceof String reason) {
          throw new CliFailure(reason + " after " + taken + " of " + count + " results");
        }
        Delivery d = (Delivery) o;
        // One result per line, as a worker sent it, but never a raw control character: compact JSON
        // (what workers send) is unchanged, and a payload with newlines or ESC is shown escaped.
        System.out.println(Printable.escape(d.payload().utf8(), Integer.MAX_VALUE));
        System.out.flush();
        d.ack();
        taken++;
      }
      sub.cancel().join();
      // Extras that arrived past the count go back in their original order: the last one first.
      List<Delivery> extras = new ArrayList<>();
      for (Object o; (o = arrived.poll()) != null; ) {
        if (o instanceof Delivery d) {
          extras.add(d);
        }
      }
      for (int i = extras.size() - 1; i >= 0; i--) {
        extras.get(i).release();
      }
    }
    if (taken < count) {
      throw new CliFailure("only " + taken + " of " + count + " results arrived on '" + queue + "' within " + timeoutSeconds + " s");
    }
    return 0;
  }
}
