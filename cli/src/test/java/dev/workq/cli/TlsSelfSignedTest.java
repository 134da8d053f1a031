package dev.workq.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.cli.it.BrokerProcess;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code workq tls self-signed}: what it writes (modes, names, the key format the broker reads),
 * that a broker started on it serves HTTPS to a client trusting the certificate, and that it never
 * overwrites by accident (--if-missing keeps, --force replaces).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsSelfSignedTest {

  @RegisterExtension
  final Console console = new Console();

  @TempDir
  Path tmp;

  private int run(String... args) {
    return console.run(args);
  }

  private String out() {
    return console.out();
  }

  private String err() {
    return console.err();
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  private static X509Certificate certificate(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private static Path secret(Path file, String value) throws Exception {
    Files.writeString(file, value + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  @Test
  void writesAnOwnerOnlyKeyAndAServerCertificateForTheNamesAndPrintsItsFingerprint() throws Exception {
    Path dir = tmp.resolve("certs");
    assertEquals(0, run("tls", "self-signed", "--dir", dir.toString(), "--name", "localhost", "--name", "broker",
        "--name", "127.0.0.1", "--days", "30"), err());
    assertEquals("rwx------", mode(dir), "the directory it creates is private");
    assertEquals("rw-------", mode(dir.resolve("key.pem")), "the key is readable by its owner only");
    assertEquals("rw-r--r--", mode(dir.resolve("cert.pem")));
    try (var files = Files.list(dir)) {
      assertEquals(List.of("cert.pem", "key.pem"), files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file left");
    }

    X509Certificate cert = certificate(dir.resolve("cert.pem"));
    cert.verify(cert.getPublicKey()); // self-signed
    List<String> sans = cert.getSubjectAlternativeNames().stream().map(n -> n.get(1).toString()).toList();
    assertEquals(List.of("localhost", "broker", "127.0.0.1"), sans);
    assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), cert.getExtendedKeyUsage(),
        "for server authentication, and client authentication for cluster nodes that dial each other with it");
    assertEquals(-1, cert.getBasicConstraints(), "not a CA");
    long days = Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant()).toDays();
    assertTrue(days == 30, "valid for 30 days (from an hour ago): " + days);

    String pem = Files.readString(dir.resolve("key.pem"));
    assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----"), "PKCS#8, the format --tls-key reads: " + pem.lines().findFirst());
    String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));

    String fingerprint = HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
    assertTrue(out().contains("wrote " + dir.resolve("cert.pem") + " and " + dir.resolve("key.pem")), out());
    assertTrue(out().contains("SHA-256 fingerprint " + fingerprint), out());
  }

  @Test
  void ifMissingKeepsAPairThatExistsAndExitsZero() throws Exception {
    Path dir = tmp.resolve("certs");
    assertEquals(0, run("tls", "self-signed", "--dir", dir.toString(), "--if-missing"), err());
    byte[] cert = Files.readAllBytes(dir.resolve("cert.pem"));
    byte[] key = Files.readAllBytes(dir.resolve("key.pem"));
    String first = out().lines().filter(l -> l.startsWith("SHA-256")).findFirst().orElseThrow();
    for (int i = 0; i < 2; i++) {
      assertEquals(0, run("tls", "self-signed", "--dir", dir.toString(), "--if-missing", "--name", "other"), err());
      assertTrue(out().startsWith("kept "), out());
      assertTrue(out().contains(first), "prints the kept certificate's fingerprint: " + out());
      assertArrayEquals(cert, Files.readAllBytes(dir.resolve("cert.pem")));
      assertArrayEquals(key, Files.readAllBytes(dir.resolve("key.pem")));
    }
  }

  @Test
  void refusesToOverwriteUnlessForced() throws Exception {
    Path dir = tmp.resolve("certs");
    assertEquals(0, run("tls", "self-signed", "--dir", dir.toString()), err());
    byte[] key = Files.readAllBytes(dir.resolve("key.pem"));
    assertEquals(1, run("tls", "self-signed", "--dir", dir.toString()));
    assertEquals("workq: " + dir.resolve("cert.pem") + " already exists: give --force to replace it, or --if-missing to keep it\n", err());
    assertArrayEquals(key, Files.readAllBytes(dir.resolve("key.pem")));

    assertEquals(0, run("tls", "self-signed", "--dir", dir.toString(), "--force"), err());
    assertFalse(java.util.Arrays.equals(key, Files.readAllBytes(dir.resolve("key.pem"))), "a new key");
    assertEquals("rw-------", mode(dir.resolve("key.pem")));
  }

  @Test
  void halfAPairIsRefusedEvenWithIfMissing() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("certs"));
    Files.writeString(dir.resolve("cert.pem"), "not mine to delete");
    assertEquals(1, run("tls", "self-signed", "--dir", dir.toString(), "--if-missing"));
    assertEquals("workq: " + dir.resolve("cert.pem") + " exists but " + dir.resolve("key.pem")
        + " does not: remove it, or give --force to make both anew\n", err());
    assertFalse(Files.exists(dir.resolve("key.pem")));
  }

  @Test
  void badUsageExits2WithOneLine() throws Exception {
    Path file = Files.writeString(tmp.resolve("file"), "x");
    String dir = tmp.resolve("certs").toString();
    String[][] cases = {
        {"--dir", dir, "--force", "--if-missing"},
        {"--dir", dir, "--days", "0"},
        {"--dir", dir, "--days", "3651"},
        {"--dir", dir, "--name", "not a name"},
        {"--dir", dir, "--name", "300.1.1.1"},
        {"--dir", file.toString()},
        {"--name", "localhost"},
    };
    for (String[] c : cases) {
      String[] args = new String[c.length + 2];
      args[0] = "tls";
      args[1] = "self-signed";
      System.arraycopy(c, 0, args, 2, c.length);
      assertEquals(2, run(args), String.join(" ", c) + ": " + err());
      assertTrue(err().startsWith("workq: "), err());
      assertFalse(err().contains("\tat "), err());
    }
    assertFalse(Files.exists(tmp.resolve("certs")), "nothing written on bad usage");
  }

  @Test
  void aBrokerStartedOnItServesHttpsToAClientTrustingTheCertificate() throws Exception {
    Path dir = tmp.resolve("certs");
    assertEquals(0, run("tls", "self-signed", "--dir", dir.toString(), "--name", "localhost", "--name", "broker"), err());
    Path key = secret(tmp.resolve("authkey"), "a-secret-of-24-bytes-ok!");
    Path read = secret(tmp.resolve("read"), "read-token-0123456789");
    Path admin = secret(tmp.resolve("admin"), "admin-token-0123456789");
    try (BrokerProcess b = BrokerProcess.start(0, tmp.resolve("data"), "--authkey-file", key.toString(), "--http-port", "0",
        "--http-tls-cert", dir.resolve("cert.pem").toString(), "--http-tls-key", dir.resolve("key.pem").toString(),
        "--http-token-file", read.toString(), "--http-admin-token-file", admin.toString())) {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry("workq", certificate(dir.resolve("cert.pem")));
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      // Generous: the connect timeout covers the TLS handshake, the broker JVM's first, which on
      // two cores busy with the rest of the suite has taken over 5 s.
      HttpClient https = HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(30)).build();
      // localhost: the client checks the host name against the certificate's names.
      HttpResponse<String> metrics = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + b.httpPort() + "/metrics"))
          .header("Authorization", "Bearer read-token-0123456789").timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, metrics.statusCode(), metrics.body());
      assertTrue(metrics.body().contains("workq_"), "a Prometheus scrape");
      assertTrue(b.log().contains("https://"), b.log());
    }
  }
}
