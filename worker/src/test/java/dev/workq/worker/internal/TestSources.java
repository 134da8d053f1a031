package dev.workq.worker.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * Compiles Java sources given as text into a directory, against this module's classpath, and
 * packs directories into jars: classes a scan can find that are not on the test classpath, so a
 * test can hold deliberately wrong tasks without every scan of the test classes tripping on them.
 */
final class TestSources {

  private TestSources() {}

  /** Compiles {@code sources} (file name, e.g. {@code "t/Pi.java"}, to text) into {@code dir}. */
  static Path compile(Path dir, Map<String, String> sources) throws IOException {
    Files.createDirectories(dir);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<JavaFileObject> units = new ArrayList<>();
    sources.forEach((file, text) -> units.add(new SimpleJavaFileObject(URI.create("string:///" + file), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return text;
      }
    }));
    StringWriter errors = new StringWriter();
    List<String> options = List.of("-d", dir.toString(), "-classpath", System.getProperty("java.class.path"), "--release", "17");
    boolean ok = javac.getTask(errors, null, null, options, null, units).call();
    assertTrue(ok, "test sources do not compile:\n" + errors);
    return dir;
  }

  /** The files under {@code dir} as a jar at {@code jar}, with {@code extra} entries (name to text) added. */
  static Path jar(Path dir, Path jar, Map<String, String> extra) throws IOException {
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          out.putNextEntry(new JarEntry(dir.relativize(file).toString().replace('\\', '/')));
          out.write(Files.readAllBytes(file));
          out.closeEntry();
          return FileVisitResult.CONTINUE;
        }
      });
      for (Map.Entry<String, String> e : extra.entrySet()) {
        out.putNextEntry(new JarEntry(e.getKey()));
        out.write(e.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    return jar;
  }
}
