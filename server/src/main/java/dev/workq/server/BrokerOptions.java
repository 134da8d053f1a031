package dev.workq.server;

import java.util.function.Consumer;

/**
 * How a {@link Broker} runs: one immutable options object per concern, composed. Build with
 * {@link #builder()}; each group has its own builder, documented defaults and checks, and the
 * CLI's flags map onto these same groups.
 *
 * <pre>{@code
 * BrokerOptions options = BrokerOptions.builder()
 *     .port(0)
 *     .durability(d -> d.dataDir(Path.of("workq-data")).fsync(FsyncPolicy.BATCH))
 *     .delivery(d -> d.maxAttempts(5).lease(Duration.ofMinutes(1)))
 *     .limits(l -> l.maxQueueLength(10_000))
 *     .build();
 * }</pre>
 *
 * <table>
 *   <caption>The groups</caption>
 *   <tr><td>{@link ListenOptions}</td><td>bind address, I/O threads, frame limit, timeouts, connection and handshake caps</td></tr>
 *   <tr><td>{@link SecurityOptions}</td><td>authkey, TLS</td></tr>
 *   <tr><td>{@link DurabilityOptions}</td><td>journal directory, fsync policy and interval, compaction</td></tr>
 *   <tr><td>{@link DeliveryOptions}</td><td>attempts, lease, retry backoff</td></tr>
 *   <tr><td>{@link LimitOptions}</td><td>memory and count budgets</td></tr>
 *   <tr><td>{@link HttpOptions}</td><td>metrics, API and dashboard listener</td></tr>
 * </table>
 */
public final class BrokerOptions {

  private final ListenOptions listen;
  private final SecurityOptions security;
  private final DurabilityOptions durability;
  private final DeliveryOptions delivery;
  private final LimitOptions limits;
  private final HttpOptions http;

  private BrokerOptions(Builder b) {
    this.security = b.security.build();
    this.listen = b.listen.build();
    this.durability = b.durability.build();
    this.delivery = b.delivery.build();
    this.limits = b.limits.build();
    this.http = b.http.build();
  }

  /** A builder holding every group's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Where and how the broker listens; default {@link ListenOptions#builder()}'s. */
  public ListenOptions listen() {
    return listen;
  }

  /** Authkey and TLS; default none, on loopback only. */
  public SecurityOptions security() {
    return security;
  }

  /** Whether and how the broker journals; default in memory, no journal. */
  public DurabilityOptions durability() {
    return durability;
  }

  /** Attempts, lease and retry backoff of tasks that do not set their own. */
  public DeliveryOptions delivery() {
    return delivery;
  }

  /** The memory and count budgets. */
  public LimitOptions limits() {
    return limits;
  }

  /** The HTTP listener; default off. */
  public HttpOptions http() {
    return http;
  }

  /**
   * Builds {@link BrokerOptions}. A group is set whole ({@code listen(ListenOptions)}) or edited
   * in place ({@code listen(l -> l.port(0))}); the checks of each group's setters apply at once,
   * those across a group's options at {@link #build()}.
   */
  public static final class Builder {
    private ListenOptions.Builder listen = ListenOptions.builder();
    private SecurityOptions.Builder security = SecurityOptions.builder();
    private DurabilityOptions.Builder durability = DurabilityOptions.builder();
    private DeliveryOptions.Builder delivery = DeliveryOptions.builder();
    private LimitOptions.Builder limits = LimitOptions.builder();
    private HttpOptions.Builder http = HttpOptions.builder();

    private Builder() {}

    /** Replaces the listen options. */
    public Builder listen(ListenOptions options) {
      this.listen = nonNull("listen", options).toBuilder();
      return this;
    }

    /** Edits the listen options in place. */
    public Builder listen(Consumer<ListenOptions.Builder> edit) {
      nonNull("listen", edit).accept(listen);
      return this;
    }

    /** Replaces the security options. */
    public Builder security(SecurityOptions options) {
      this.security = nonNull("security", options).toBuilder();
      return this;
    }

    /** Edits the security options in place. */
    public Builder security(Consumer<SecurityOptions.Builder> edit) {
      nonNull("security", edit).accept(security);
      return this;
    }

    /** Replaces the durability options. */
    public Builder durability(DurabilityOptions options) {
      this.durability = nonNull("durability", options).toBuilder();
      return this;
    }

    /** Edits the durability options in place. */
    public Builder durability(Consumer<DurabilityOptions.Builder> edit) {
      nonNull("durability", edit).accept(durability);
      return this;
    }

    /** Replaces the delivery options. */
    public Builder delivery(DeliveryOptions options) {
      this.delivery = nonNull("delivery", options).toBuilder();
      return this;
    }

    /** Edits the delivery options in place. */
    public Builder delivery(Consumer<DeliveryOptions.Builder> edit) {
      nonNull("delivery", edit).accept(delivery);
      return this;
    }

    /** Replaces the limits. */
    public Builder limits(LimitOptions options) {
      this.limits = nonNull("limits", options).toBuilder();
      return this;
    }

    /** Edits the limits in place. */
    public Builder limits(Consumer<LimitOptions.Builder> edit) {
      nonNull("limits", edit).accept(limits);
      return this;
    }

    /** Replaces the HTTP options. */
    public Builder http(HttpOptions options) {
      this.http = nonNull("http", options).toBuilder();
      return this;
    }

    /** Edits the HTTP options in place. */
    public Builder http(Consumer<HttpOptions.Builder> edit) {
      nonNull("http", edit).accept(http);
      return this;
    }

    /** Shorthand for {@code listen(l -> l.host(host))}: the setting nearly every caller makes. */
    public Builder host(String host) {
      listen.host(host);
      return this;
    }

    /** Shorthand for {@code listen(l -> l.port(port))}. */
    public Builder port(int port) {
      listen.port(port);
      return this;
    }

    /** Shorthand for {@code security(s -> s.authkey(authkey))}. */
    public Builder authkey(byte[] authkey) {
      security.authkey(authkey);
      return this;
    }

    private static <T> T nonNull(String name, T value) {
      if (value == null) {
        throw new IllegalArgumentException(name + " must not be null");
      }
      return value;
    }

    /** The immutable options; each group checks what spans its options. */
    public BrokerOptions build() {
      return new BrokerOptions(this);
    }
  }
}
