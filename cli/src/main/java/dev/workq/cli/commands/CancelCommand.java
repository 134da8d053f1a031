package dev.workq.cli.commands;

import dev.workq.cli.BrokerAddress;
import dev.workq.cli.CliFailure;
import dev.workq.cli.Logging;
import dev.workq.client.CancelResult;
import dev.workq.client.RemoteException;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.Printable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code workq cancel ID...}: cancels tasks, one line per id saying what happened. A task that
 * has not started is removed; a running one is revoked from its worker; either way its done
 * queue gets a failed result saying it was cancelled. A finished task is left alone. Exit 1 if
 * any id is not found.
 */
@Command(name = "cancel", mixinStandardHelpOptions = true,
    description = "Cancel tasks by id: removed if not started, stopped on their worker if running.")
public final class CancelCommand implements Callable<Integer> {

  @Mixin
  BrokerAddress broker;

  @Parameters(paramLabel = "ID", arity = "1..*", description = "Task ids, as submit prints them.")
  List<String> ids;

  @Override
  public Integer call() {
    Logging.command();
    List<String> missing = new ArrayList<>();
    try (WorkqClient client = WorkqClient.connect(broker.options().build())) {
      List<CompletableFuture<CancelResult>> cancels = new ArrayList<>();
      for (String id : ids) {
        cancels.add(client.async().cancel(id));
      }
      for (int i = 0; i < ids.size(); i++) {
        try {
          System.out.println(line(cancels.get(i).join()));
        } catch (CompletionException e) {
          if (e.getCause() instanceof RemoteException r && r.code() == ErrorCode.UNKNOWN_TASK) {
            missing.add(Printable.escape(ids.get(i)));
            System.out.println(Printable.escape(ids.get(i)) + ": not found");
          } else {
            throw e.getCause() instanceof RuntimeException re ? re : e;
          }
        }
      }
    }
    if (!missing.isEmpty()) {
      throw new CliFailure(missing.size() + " of " + ids.size() + " tasks not found: " + String.join(", ", missing));
    }
    return 0;
  }

  static String line(CancelResult r) {
    return r.cancelled()
        ? "cancelled " + Printable.escape(r.id()) + " (it was " + r.was() + ")"
        : Printable.escape(r.id()) + " had already finished (" + r.was() + "): nothing to cancel";
  }
}
