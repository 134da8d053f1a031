package dev.workq.cli.commands;

import dev.workq.cli.BrokerAddress;
import dev.workq.cli.CliFailure;
import dev.workq.cli.Durations;
import dev.workq.cli.Logging;
import dev.workq.client.WaitTimeoutException;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.Printable;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code workq join --queue Q}: waits until the queue has no unfinished task (none ready,
 * delayed or running), like Python's {@code JoinableQueue.join()}. Exit 1 on timeout.
 */
@Command(name = "join", mixinStandardHelpOptions = true,
    description = "Wait until a queue has no unfinished task (ready, delayed or running).")
public final class JoinCommand implements Callable<Integer> {

  @Mixin
  BrokerAddress broker;

  @Option(names = "--queue", required = true, description = "The queue to wait for.")
  String queue;

  @Option(names = "--timeout", paramLabel = "SECONDS", converter = Durations.Seconds.class,
      description = "How long to wait: seconds, or a number and a unit (ms, s, m, h); default: no limit.")
  Duration timeout;

  @Override
  public Integer call() {
    Logging.command();
    try (WorkqClient client = WorkqClient.connect(broker.options().build())) {
      client.join(queue, timeout);
    } catch (WaitTimeoutException e) {
      throw new CliFailure(e.getMessage());
    }
    System.out.println("'" + Printable.escape(queue) + "' has no unfinished task");
    return 0;
  }
}
