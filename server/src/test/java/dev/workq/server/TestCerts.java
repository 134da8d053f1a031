package dev.workq.server;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Self-signed TLS material made in the test: a CA, a broker certificate for 127.0.0.1 and
 * localhost signed by it, and a client certificate for mutual TLS. Written as PEM files, the way
 * an operator would hand them to {@code workq broker --tls-cert/--tls-key}.
 */
final class TestCerts {

  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  final Path caCert;
  final Path brokerCert;
  final Path brokerKey;
  final Path clientCert;
  final Path clientKey;
  /** A cluster node's: for 127.0.0.1, with no extended key usage, so it serves and dials (Raft's mutual TLS). */
  final Path nodeCert;
  final Path nodeKey;
  /** A second, unrelated CA: what a client that trusts the wrong authority has. */
  final Path otherCaCert;

  TestCerts(Path dir) throws Exception {
    KeyPair ca = keyPair();
    X509Certificate caCertificate = sign(new X500Name("CN=workq test CA"), ca, new X500Name("CN=workq test CA"), ca, true, null, null);
    KeyPair broker = keyPair();
    X509Certificate brokerCertificate = sign(new X500Name("CN=workq test CA"), ca, new X500Name("CN=workq broker"), broker, false,
        new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}),
        KeyPurposeId.id_kp_serverAuth);
    KeyPair client = keyPair();
    X509Certificate clientCertificate = sign(new X500Name("CN=workq test CA"), ca, new X500Name("CN=workq client"), client, false, null,
        KeyPurposeId.id_kp_clientAuth);
    KeyPair node = keyPair();
    X509Certificate nodeCertificate = sign(new X500Name("CN=workq test CA"), ca, new X500Name("CN=workq node"), node, false,
        new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}),
        null);
    KeyPair other = keyPair();
    X509Certificate otherCa = sign(new X500Name("CN=some other CA"), other, new X500Name("CN=some other CA"), other, true, null, null);
    caCert = pem(dir.resolve("ca.pem"), caCertificate);
    brokerCert = pem(dir.resolve("broker.pem"), brokerCertificate);
    brokerKey = key(dir.resolve("broker.key"), broker.getPrivate());
    clientCert = pem(dir.resolve("client.pem"), clientCertificate);
    clientKey = key(dir.resolve("client.key"), client.getPrivate());
    otherCaCert = pem(dir.resolve("other-ca.pem"), otherCa);
    nodeCert = pem(dir.resolve("node.pem"), nodeCertificate);
    nodeKey = key(dir.resolve("node.key"), node.getPrivate());
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    return g.generateKeyPair();
  }

  private static X509Certificate sign(X500Name issuer, KeyPair issuerKeys, X500Name subject, KeyPair subjectKeys, boolean ca,
      GeneralNames names, KeyPurposeId purpose) throws IOException, OperatorCreationException, GeneralSecurityException {
    Instant now = Instant.now();
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject, subjectKeys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    b.addExtension(Extension.keyUsage, true,
        new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature | KeyUsage.keyAgreement));
    if (names != null) {
      b.addExtension(Extension.subjectAlternativeName, false, names);
    }
    if (purpose != null) {
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
    }
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
  }

  private static Path pem(Path file, X509Certificate cert) throws IOException {
    try (Writer w = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(cert);
    }
    return file;
  }

  private static Path key(Path file, PrivateKey key) throws IOException {
    try (Writer w = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(new JcaPKCS8Generator(key, null));
    }
    return file;
  }
}
