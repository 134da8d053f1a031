package dev.workq.cli.commands;

import dev.workq.cli.CliFailure;
import dev.workq.cli.Logging;
import dev.workq.cli.Workq;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code workq run File.java [args]}: compiles one Java source file against workq and runs it, as
 * {@code java File.java} does, but with its classes written to a directory: a program that starts
 * a local pool ({@code WorkqPool.local(n)}) hands its own classpath to the worker processes, and
 * a source file run by {@code java} alone lives in memory, where they cannot load it.
 *
 * <p>The program runs in a JVM of its own, with this JVM's {@code java}, the workq jar and the
 * compiled directory on its classpath, stdin, stdout and stderr shared; its exit status is this
 * command's. The directory is private to this user and deleted when the program ends.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Compile one Java source file against workq and run it (as 'java File.java' does), "
        + "so a program that starts a local pool (WorkqPool.local) runs with one command.",
        "Arguments after the file go to the program."})
public final class RunCommand implements Callable<Integer> {

  private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

  @Option(names = {"-cp", "--classpath"}, paramLabel = "PATH", description = "More jars or directories the program needs, separated by '${sys:path.separator}'.")
  String classpath;

  @Parameters(index = "0", paramLabel = "FILE.java", description = "The program: one source file whose first class has a main method.")
  Path source;

  @Parameters(index = "1..*", paramLabel = "ARG", description = "Arguments for the program.")
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Logging.command();
    if (!Files.isRegularFile(source)) {
      throw new CliFailure(source + " does not exist or is not a file", Workq.EXIT_USAGE);
    }
    if (!source.getFileName().toString().endsWith(".java")) {
      throw new CliFailure(source + " is not a Java source file (its name must end in .java)", Workq.EXIT_USAGE);
    }
    String cp = classpath == null || classpath.isBlank()
        ? System.getProperty("java.class.path")
        : System.getProperty("java.class.path") + File.pathSeparator + classpath;
    Path classes = Files.createTempDirectory("workq-run-");
    try {
      String mainClass = SourceCompiler.compile(source, cp, classes, new PrintWriter(System.err, true));
      return runProgram(mainClass, classes + File.pathSeparator + cp);
    } finally {
      deleteTree(classes);
    }
  }

  /**
   * Runs {@code mainClass} in a JVM of its own and returns its exit status. If this JVM is told to
   * stop (SIGTERM, Ctrl-C), the program is told too (SIGTERM) and given the time its own shutdown
   * needs, a local pool's included.
   */
  private int runProgram(String mainClass, String cp) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java"));
    cmd.add("-XX:+ExitOnOutOfMemoryError");
    // A program's own output is its data, as a one-shot command's is: workq's lines (an embedded
    // broker's "listening") show from warnings up, unless WORKQ_JAVA_OPTS says otherwise (it comes last).
    cmd.add("-D" + LOG_LEVEL + "=warn");
    String opts = System.getenv("WORKQ_JAVA_OPTS");
    if (opts != null && !opts.isBlank()) {
      cmd.addAll(List.of(opts.strip().split("\\s+")));
    }
    cmd.addAll(List.of("-cp", cp, mainClass));
    cmd.addAll(args);
    Process program = new ProcessBuilder(cmd).inheritIO().start();
    Thread forward = new Thread(() -> {
      if (program.isAlive()) {
        program.destroy();
        try {
          if (!program.waitFor(60, TimeUnit.SECONDS)) {
            program.destroyForcibly();
          }
        } catch (InterruptedException e) {
          program.destroyForcibly();
        }
      }
    }, "workq-run-stop");
    Runtime.getRuntime().addShutdownHook(forward);
    int status = program.waitFor();
    try {
      Runtime.getRuntime().removeShutdownHook(forward);
    } catch (IllegalStateException alreadyStopping) {
      // The JVM is shutting down and runs the hook: the program has ended anyway.
    }
    return status;
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("workq: could not delete " + dir + ": " + e.getMessage());
    }
  }
}
