package dev.workq.cli.commands;

import dev.workq.cli.CliFailure;
import dev.workq.cli.Logging;
import dev.workq.cli.Workq;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code workq tls self-signed}: TLS material for a broker that has none yet. */
@Command(name = "tls", mixinStandardHelpOptions = true, description = "Make TLS material for the broker.",
    subcommands = {TlsCommand.SelfSignedCommand.class})
public final class TlsCommand {

  /**
   * Writes DIR/cert.pem and DIR/key.pem, for {@code broker --tls-cert/--tls-key} or
   * {@code --http-tls-cert/--http-tls-key}, and prints the certificate's SHA-256 fingerprint so
   * that whoever meets the browser's warning can check it is this certificate. The key is born
   * owner-only: written to a temporary file created with mode 600 and renamed into place, so no
   * reader ever sees a partial key or one with wider bits. Exit status 0 when written (or kept
   * with --if-missing), 1 when the files exist, 2 on bad usage.
   */
  @Command(name = "self-signed", mixinStandardHelpOptions = true,
      description = "Write a self-signed certificate (DIR/cert.pem) and its key (DIR/key.pem, mode 600) for the broker's "
          + "--tls-cert/--tls-key or --http-tls-cert/--http-tls-key, and print its SHA-256 fingerprint. "
          + "For trying workq out: browsers warn about a certificate nobody vouches for.")
  static final class SelfSignedCommand implements Callable<Integer> {

    static final String CERT_FILE = "cert.pem";
    static final String KEY_FILE = "key.pem";
    static final int MAX_DAYS = 3650;

    @Option(names = "--dir", paramLabel = "DIR", required = true,
        description = "Where to write cert.pem and key.pem; created with mode 700 if missing.")
    Path dir;

    @Option(names = "--name", paramLabel = "NAME",
        description = "A DNS name or IP address clients reach the broker by (repeatable; default: localhost, 127.0.0.1 and ::1).")
    List<String> names = new ArrayList<>();

    @Option(names = "--days", paramLabel = "N", defaultValue = "365", description = "Days the certificate is valid, 1.." + MAX_DAYS
        + " (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--force", description = "Replace cert.pem and key.pem if they exist.")
    boolean force;

    @Option(names = "--if-missing", description = "Keep cert.pem and key.pem if both exist, and exit 0 (for an init container).")
    boolean ifMissing;

    @Override
    public Integer call() throws IOException {
      Logging.command();
      if (force && ifMissing) {
        throw new CliFailure("--force and --if-missing contradict each other: give one", Workq.EXIT_USAGE);
      }
      if (days < 1 || days > MAX_DAYS) {
        throw new CliFailure("--days must be 1.." + MAX_DAYS + ", got " + days, Workq.EXIT_USAGE);
      }
      List<String> sans = new ArrayList<>(new LinkedHashSet<>(names.isEmpty() ? List.of("localhost", "127.0.0.1", "::1") : names));
      SelfSignedCertificate made;
      try {
        made = SelfSignedCertificate.create(sans, days);
      } catch (IllegalArgumentException e) {
        throw new CliFailure(e.getMessage(), Workq.EXIT_USAGE);
      }
      Path cert = dir.resolve(CERT_FILE);
      Path key = dir.resolve(KEY_FILE);
      // NOFOLLOW_LINKS: a dangling symlink in the way is a file in the way.
      boolean certThere = Files.exists(cert, LinkOption.NOFOLLOW_LINKS);
      boolean keyThere = Files.exists(key, LinkOption.NOFOLLOW_LINKS);
      if (ifMissing && certThere && keyThere) {
        System.out.println("kept " + cert + " and " + key + ": they exist already");
        System.out.println(fingerprintOf(cert));
        return 0;
      }
      if (!force && (certThere || keyThere)) {
        throw new CliFailure(ifMissing
            ? (certThere ? cert : key) + " exists but " + (certThere ? key : cert) + " does not: remove it, or give --force to make both anew"
            : (certThere ? cert : key) + " already exists: give --force to replace it, or --if-missing to keep it");
      }
      createDirectory(dir);
      // The key first: a cert.pem that is there names a key that is there too.
      write(key, made.keyPem, "rw-------");
      write(cert, made.certificatePem, "rw-r--r--");
      System.out.println("wrote " + cert + " and " + key + ": a self-signed certificate for " + String.join(", ", sans) + ", valid until "
          + made.certificate.getNotAfter().toInstant().atOffset(ZoneOffset.UTC).toLocalDate());
      System.out.println("SHA-256 fingerprint " + SelfSignedCertificate.fingerprint(made.certificate));
      return 0;
    }

    private static void createDirectory(Path dir) throws IOException {
      if (Files.isDirectory(dir)) {
        return; // Someone's own directory (a volume's mount point): its mode is theirs to choose.
      }
      try {
        Files.createDirectories(dir, attributes("rwx------", dir));
      } catch (FileAlreadyExistsException e) {
        throw new CliFailure("--dir " + dir + " is not a directory", Workq.EXIT_USAGE);
      } catch (IOException e) {
        throw new CliFailure("cannot create " + dir + ": " + e.getMessage());
      }
    }

    /**
     * Writes {@code text} to a temporary file beside {@code target}, created with {@code mode}
     * (the bits are set by the open call itself, never widened by a later chmod), flushes it to
     * disk and renames it over {@code target}.
     */
    private static void write(Path target, String text, String mode) {
      Path tmp = null;
      try {
        tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp", attributes(mode, target));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
          ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
          while (b.hasRemaining()) {
            ch.write(b);
          }
          ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        tmp = null;
      } catch (IOException e) {
        throw new CliFailure("cannot write " + target + ": " + e.getMessage());
      } finally {
        if (tmp != null) {
          try {
            Files.deleteIfExists(tmp);
          } catch (IOException ignored) {
            // The failure above is the one to report.
          }
        }
      }
    }

    private static FileAttribute<?>[] attributes(String mode, Path where) throws IOException {
      Path probe = Files.exists(where) ? where : where.toAbsolutePath().getParent();
      while (probe != null && !Files.exists(probe)) {
        probe = probe.getParent();
      }
      boolean posix = probe != null && Files.getFileStore(probe).supportsFileAttributeView("posix");
      return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode))}
          : new FileAttribute<?>[0];
    }

    private static String fingerprintOf(Path cert) {
      try (InputStream in = Files.newInputStream(cert)) {
        X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        return "SHA-256 fingerprint " + SelfSignedCertificate.fingerprint(c);
      } catch (IOException | java.security.cert.CertificateException | ClassCastException e) {
        return "(" + cert + " is not a certificate this command can read: " + e.getMessage() + ")";
      }
    }
  }
}
