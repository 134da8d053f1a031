package dev.workq.cli.commands;

import dev.workq.protocol.Printable;
import dev.workq.cli.BrokerAddress;
import dev.workq.cli.CliFailure;
import dev.workq.cli.Logging;
import dev.workq.cli.Workq;
import dev.workq.client.Delivery;
import dev.workq.client.RemoteException;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.ErrorCode;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code workq results}: takes N results off a done queue and prints each as one line of JSON. A
 * result is acked only after it is printed. It takes results only: a queue that holds tasks or has
 * workers (a task queue named without its {@code .done}) is refused by the broker with exit status
 * 2, and nothing is taken. Exit 1 if fewer than N arrived in time.
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
  public Integer call() {
    Logging.command();
    if (count < 1) {
      throw new CliFailure("--count must be at least 1, got " + count, dev.workq.cli.Workq.EXIT_USAGE);
    }
    if (!(timeoutSeconds >= 0) || Double.isInfinite(timeoutSeconds)) {
      throw new CliFailure("--timeout must be a number of seconds, 0 or more, got " + timeoutSeconds, dev.workq.cli.Workq.EXIT_USAGE);
    }
    int taken = 0;
    try (WorkqClient client = WorkqClient.connect(broker.options().build())) {
      long deadline = System.nanoTime() + (long) (timeoutSeconds * 1e9);
      while (taken < count) {
        Optional<Delivery> next;
        try {
          // Results only: a task queue named by mistake is refused, and gives up nothing.
          next = client.takeResult(queue, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        } catch (RemoteException e) {
          if (e.code() == ErrorCode.NOT_A_RESULT_QUEUE) {
            throw new CliFailure(e.getMessage(), Workq.EXIT_USAGE);
          }
          throw e;
        }
        if (next.isEmpty()) {
          break;
        }
        Delivery d = next.get();
        // One result per line, as a worker sent it, but never a raw control character: compact JSON
        // (what workers send) is unchanged, and a payload with newlines or ESC is shown escaped.
        System.out.println(Printable.escape(d.payload().utf8(), Integer.MAX_VALUE));
        System.out.flush();
        d.ack();
        taken++;
      }
    }
    if (taken < count) {
      throw new CliFailure("only " + taken + " of " + count + " results arrived on '" + queue + "' within " + timeoutSeconds + " s");
    }
    return 0;
  }
}
