package dev.workq.server;

import java.nio.file.Path;

/**
 * Who may talk to the broker and how the wire is protected: the shared authkey, whether an open
 * listener without one is allowed, and the TLS files. Immutable; build with {@link #builder()}.
 * The default is no authkey and no TLS, which the broker allows on loopback addresses only.
 */
public final class SecurityOptions {

  private final byte[] authkey;
  private final boolean insecure;
  private final Path tlsCert;
  private final Path tlsKey;
  private final Path tlsClientCa;

  private SecurityOptions(Builder b) {
    this.authkey = b.authkey;
    this.insecure = b.insecure;
    this.tlsCert = b.tlsCert;
    this.tlsKey = b.tlsKey;
    this.tlsClientCa = b.tlsClientCa;
  }

  /** A builder holding every default. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these options, to change some of them. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * The shared secret every peer must prove it holds (HMAC-SHA256 challenge-response, see
   * {@link dev.workq.protocol.auth.Authkey}); null (the default) admits anyone who can connect,
   * so the broker then binds loopback addresses only, unless {@link #insecure()}.
   */
  public byte[] authkey() {
    return authkey == null ? null : authkey.clone();
  }

  /** Whether the broker may listen on a non-loopback address without an authkey; default false. */
  public boolean insecure() {
    return insecure;
  }

  /** PEM certificate chain of the broker; with {@link #tlsKey()} turns TLS on. Default none. */
  public Path tlsCert() {
    return tlsCert;
  }

  /** PEM (PKCS#8) private key of {@link #tlsCert()}; default none. */
  public Path tlsKey() {
    return tlsKey;
  }

  /** PEM CA certificates that client certificates must chain to; when set, clients need one (mTLS). Default none. */
  public Path tlsClientCa() {
    return tlsClientCa;
  }

  /** Whether the broker speaks TLS; default false. */
  public boolean tls() {
    return tlsCert != null;
  }

  /** Builds {@link SecurityOptions}; every setter checks its argument and names it in the message. */
  public static final class Builder {
    private byte[] authkey;
    private boolean insecure;
    private Path tlsCert;
    private Path tlsKey;
    private Path tlsClientCa;

    private Builder() {}

    private Builder(SecurityOptions o) {
      this.authkey = o.authkey;
      this.insecure = o.insecure;
      this.tlsCert = o.tlsCert;
      this.tlsKey = o.tlsKey;
      this.tlsClientCa = o.tlsClientCa;
    }

    /**
     * The shared secret (see {@link SecurityOptions#authkey()}); null for none, else at least
     * {@link dev.workq.protocol.auth.Authkey#MIN_KEY_BYTES} bytes: a shorter key is refused, not
     * warned about, since one recorded handshake lets anyone test guesses offline.
     */
    public Builder authkey(byte[] authkey) {
      if (authkey != null) {
        dev.workq.protocol.auth.Authkey.requireStrong(authkey, "authkey");
      }
      this.authkey = authkey == null ? null : authkey.clone();
      return this;
    }

    /** Allows a non-loopback bind address without an authkey. */
    public Builder insecure(boolean insecure) {
      this.insecure = insecure;
      return this;
    }

    /** Turns TLS on with this PEM certificate chain and PEM (PKCS#8) private key; nulls turn it off. */
    public Builder tls(Path cert, Path key) {
      if ((cert == null) != (key == null)) {
        throw new IllegalArgumentException("tls needs both a certificate and a key, got " + cert + " and " + key);
      }
      this.tlsCert = cert;
      this.tlsKey = key;
      return this;
    }

    /** Requires client certificates signed by these PEM CAs (mutual TLS); null for none. Needs {@link #tls}. */
    public Builder tlsClientCa(Path ca) {
      this.tlsClientCa = ca;
      return this;
    }

    /** The immutable options; a client CA without a certificate and key is refused. */
    public SecurityOptions build() {
      if (tlsClientCa != null && tlsCert == null) {
        throw new IllegalArgumentException("tlsClientCa needs TLS: give a certificate and key too");
      }
      return new SecurityOptions(this);
    }
  }
}
