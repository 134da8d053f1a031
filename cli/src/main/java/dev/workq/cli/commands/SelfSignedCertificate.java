package dev.workq.cli.commands;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed server certificate and its key, made in memory and rendered as the PEM text the
 * broker's {@code --tls-cert}/{@code --tls-key} read: an EC P-256 key (PKCS#8), a certificate whose
 * subject alternative names are the given DNS names and IP addresses, for server authentication
 * only. Writing the files is {@link TlsCommand}'s business.
 */
final class SelfSignedCertificate {

  /** A DNS name as certificates carry it: labels of letters, digits and inner hyphens, an optional leading "*.". */
  private static final Pattern DNS_NAME = Pattern.compile(
      "(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  final X509Certificate certificate;
  final String certificatePem;
  final String keyPem;

  private SelfSignedCertificate(X509Certificate certificate, String certificatePem, String keyPem) {
    this.certificate = certificate;
    this.certificatePem = certificatePem;
    this.keyPem = keyPem;
  }

  /**
   * Makes a certificate valid from an hour ago (a peer's clock may be a little behind) for
   * {@code days} days, for {@code names}, the first of which is also its common name.
   *
   * @throws IllegalArgumentException naming the first entry of {@code names} that is neither a DNS
   *     name nor an IP address
   */
  static SelfSignedCertificate create(List<String> names, int days) {
    GeneralName[] sans = new GeneralName[names.size()];
    for (int i = 0; i < sans.length; i++) {
      sans[i] = subjectAltName(names.get(i));
    }
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair keys = g.generateKeyPair();
      Instant now = Instant.now();
      // A random positive serial of 159 bits, as CAs make them: two runs never share one, so a
      // browser that remembered an exception for the old certificate does not confuse the two.
      BigInteger serial = new BigInteger(159, new SecureRandom()).setBit(0);
      var subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "workq")
          .addRDN(BCStyle.CN, names.get(0)).build();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial,
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(days))), subject, keys.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      // Client auth too: cluster nodes present the same certificate when they dial each other (Raft's mutual TLS).
      b.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      // Clients match the host name against these alone (RFC 6125); the common name is for people.
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
      X509Certificate cert = new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
      return new SelfSignedCertificate(cert, pem(cert), pem(new JcaPKCS8Generator(keys.getPrivate(), null).generate()));
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      // Every JDK 17 has EC P-256 and SHA256withECDSA: this is a broken runtime, not bad input.
      throw new IllegalStateException("cannot make a certificate: " + e.getMessage(), e);
    }
  }

  /** The certificate's SHA-256 fingerprint as browsers and {@code openssl x509 -fingerprint} show it: AB:CD:… */
  static String fingerprint(X509Certificate cert) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot hash the certificate: " + e.getMessage(), e);
    }
  }

  private static GeneralName subjectAltName(String name) {
    if (IPV4.matcher(name).matches() || name.indexOf(':') >= 0) {
      try {
        // A literal: getByName parses it without asking DNS, and refuses 300.1.1.1 or ::g.
        return new GeneralName(GeneralName.iPAddress, InetAddress.getByName(name).getHostAddress());
      } catch (UnknownHostException | IllegalArgumentException e) {
        throw new IllegalArgumentException("--name '" + name + "' is not a valid IP address");
      }
    }
    String dns = name.toLowerCase(Locale.ROOT);
    if (dns.length() > 253 || !DNS_NAME.matcher(dns).matches()) {
      throw new IllegalArgumentException("--name '" + name + "' is neither a DNS name (such as broker.example.com) nor an IP address");
    }
    return new GeneralName(GeneralName.dNSName, dns);
  }

  private static String pem(Object o) throws IOException {
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      w.writeObject(o);
    }
    return s.toString();
  }
}
