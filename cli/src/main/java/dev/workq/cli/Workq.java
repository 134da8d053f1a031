package dev.workq.cli;

import dev.workq.protocol.Printable;
import dev.workq.cli.commands.BrokerCommand;
import dev.workq.cli.commands.CancelCommand;
import dev.workq.cli.commands.CloseCommand;
import dev.workq.cli.commands.ClusterCommand;
import dev.workq.cli.commands.DeadLettersCommand;
import dev.workq.cli.commands.DemoCommand;
import dev.workq.cli.commands.JoinCommand;
import dev.workq.cli.commands.QueueCommand;
import dev.workq.cli.commands.ResultsCommand;
import dev.workq.cli.commands.RunCommand;
import dev.workq.cli.commands.StatsCommand;
import dev.workq.cli.commands.StatusCommand;
import dev.workq.cli.commands.StopCommand;
import dev.workq.cli.commands.SubmitCommand;
import dev.workq.cli.commands.TlsCommand;
import dev.workq.cli.commands.WaitCommand;
import dev.workq.cli.commands.WorkerCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code workq} command. Exit status: 0 success, 1 failure (a one-line message on stderr),
 * 2 bad usage; a few subcommands document others.
 */
@Command(name = "workq", mixinStandardHelpOptions = true, version = "workq 0.1.0",
    description = "A distributed work queue: a broker holds named task queues and done queues, "
        + "worker processes run the tasks, clients submit and collect.",
    subcommands = {BrokerCommand.class, WorkerCommand.class, SubmitCommand.class, ResultsCommand.class,
        StatusCommand.class, WaitCommand.class, CancelCommand.class, StatsCommand.class, StopCommand.class, CloseCommand.class,
        JoinCommand.class, DeadLettersCommand.class, QueueCommand.class, DemoCommand.class, RunCommand.class, TlsCommand.class, ClusterCommand.class,
        CommandLine.HelpCommand.class})
public final class Workq implements Runnable {

  /** Exit status for bad usage. */
  public static final int EXIT_USAGE = 2;

  private static volatile boolean verbose;

  @Spec
  CommandSpec spec;

  @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Log debug lines and print stack traces on errors.")
  void setVerbose(boolean value) {
    verbose = value;
  }

  public static boolean verbose() {
    return verbose;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit status. */
  public static int run(String... args) {
    verbose = false;
    CommandLine cl = new CommandLine(new Workq());
    // Everything after the program's file is the program's, options included.
    cl.getSubcommands().get("run").setStopAtPositional(true);
    cl.setParameterExceptionHandler((ex, argv) -> {
      PrintWriter err = ex.getCommandLine().getErr();
      err.println("workq: " + oneLine(ex));
      // A near miss (sumbit, --quue) gets picocli's suggestion instead of the pointer to --help.
      boolean suggested = ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()
          && CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
      if (!suggested) {
        err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
      }
      err.flush();
      return EXIT_USAGE;
    });
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      err.println("workq: " + oneLine(ex));
      if (verbose) {
        ex.printStackTrace(err);
      }
      err.flush();
      return ex instanceof CliFailure f ? f.status() : 1;
    });
    return cl.execute(args);
  }

  /** The message a person sees: the exception's own, or its class when it has none. */
  static String oneLine(Throwable t) {
    String m = t.getMessage();
    if (m == null || m.isBlank()) {
      m = t.getClass().getSimpleName();
    }
    int nl = m.indexOf('\n');
    // Messages quote the broker and the workers (refusals, dead-letter errors): the rest of the
    // line is escaped so that none of them can move the cursor or colour the terminal.
    return Printable.escape(nl < 0 ? m : m.substring(0, nl), 4096);
  }
}
