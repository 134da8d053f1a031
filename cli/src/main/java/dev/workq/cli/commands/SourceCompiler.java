package dev.workq.cli.commands;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.JavacTask;
import dev.workq.cli.CliFailure;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticListener;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles one source file with the JDK's compiler, into a directory, and names its main class:
 * the first class the file declares, the rule {@code java File.java} follows.
 */
final class SourceCompiler {

  private SourceCompiler() {}

  /**
   * Compiles {@code source} against {@code classpath} into {@code out} and returns the binary
   * name of its first top-level class. javac's diagnostics go to {@code diagnostics}.
   *
   * @throws CliFailure if this Java has no compiler, or the file does not compile or declares no class
   */
  static String compile(Path source, String classpath, Path out, Writer diagnostics) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new CliFailure("workq run needs a JDK, with javac; the Java at " + System.getProperty("java.home") + " has none");
    }
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
      Iterable<? extends JavaFileObject> units = files.getJavaFileObjects(source);
      // -proc:none: a program's classpath may carry annotation processors that were never meant to run on it.
      List<String> options = List.of("-d", out.toString(), "-classpath", classpath, "-proc:none", "-encoding", "UTF-8");
      int[] errors = {0};
      DiagnosticListener<JavaFileObject> listener = d -> {
        if (d.getKind() == Diagnostic.Kind.ERROR) {
          errors[0]++;
        }
        print(diagnostics, d.toString());
      };
      JavacTask task = (JavacTask) javac.getTask(diagnostics, files, listener, options, null, units);
      String main = null;
      for (CompilationUnitTree unit : task.parse()) {
        main = main != null ? main : firstClass(unit);
      }
      if (errors[0] == 0) {
        task.generate();
      }
      if (errors[0] > 0) {
        throw new CliFailure(source + " does not compile: " + errors[0] + (errors[0] == 1 ? " error" : " errors") + ", above");
      }
      if (main == null) {
        throw new CliFailure(source + " declares no class to run");
      }
      return main;
    }
  }

  private static void print(Writer out, String line) {
    try {
      out.write(line + System.lineSeparator());
      out.flush();
    } catch (IOException e) {
      // stderr is gone: the error count still fails the command.
    }
  }

  private static String firstClass(CompilationUnitTree unit) {
    String pkg = unit.getPackageName() == null ? "" : unit.getPackageName() + ".";
    for (Tree t : unit.getTypeDecls()) {
      if (t instanceof ClassTree c) {
        return pkg + c.getSimpleName();
      }
    }
    return null;
  }
}
