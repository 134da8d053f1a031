package dev.workq.pool.internal;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The classpath of a local pool's worker JVMs: this JVM's {@code java.class.path}, plus the
 * directory or jar of each task class loaded from somewhere else (a program that {@code workq
 * run} compiled and loaded in a class loader of its own), so the children can load every task
 * the parent can call.
 */
public final class Classpath {

  private Classpath() {}

  /**
   * {@code java.class.path} with the locations of {@code classes} appended where missing.
   *
   * @throws IllegalStateException one line, for a class with no directory or jar to load it from
   *     (e.g. {@code java File.java} source mode, which compiles in memory)
   */
  public static String forWorkers(List<Class<?>> classes) {
    Set<String> entries = new LinkedHashSet<>();
    for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (!e.isEmpty()) {
        entries.add(Path.of(e).toAbsolutePath().normalize().toString());
      }
    }
    for (Class<?> c : classes) {
      if (c.getClassLoader() == null || c.getName().startsWith("java.")) {
        continue;
      }
      entries.add(location(c).toString());
    }
    return String.join(File.pathSeparator, entries);
  }

  private static Path location(Class<?> c) {
    CodeSource source = c.getProtectionDomain().getCodeSource();
    Path path = null;
    if (source != null && source.getLocation() != null && "file".equals(source.getLocation().getProtocol())) {
      try {
        path = Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
      } catch (URISyntaxException | IllegalArgumentException e) {
        path = null;
      }
    }
    if (path == null || !(Files.isDirectory(path) || path.toString().endsWith(".jar"))) {
      throw new IllegalStateException("class " + c.getName() + " has no class file the pool's worker processes can load "
          + "(was it run as 'java " + c.getSimpleName() + ".java', which compiles in memory?): run it with 'bin/workq run "
          + c.getSimpleName() + ".java', or compile it and put it on the classpath");
    }
    return path;
  }
}
