package dev.workq.client;

import dev.workq.client.internal.Logging;
import dev.workq.client.internal.DrainingExecutor;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * The threads clients run on: one Netty event loop group for their connections' I/O and one
 * executor on which their futures complete and their callbacks run. Like lettuce's
 * {@code ClientResources}, one instance may be shared by many clients
 * ({@link WorkqClient#connect(ClientOptions, ClientResources)}); whoever creates it closes it, after
 * the clients that use it. A client connected without resources creates its own and closes them
 * with itself.
 *
 * <p>The callback executor is where user code runs (a future's {@code thenApply}, a
 * {@code map}'s waiting), so the event loop never does; with one callback thread, completions
 * arrive in the order the broker's answers did.
 */
public final class ClientResources implements AutoCloseable {

  /**
   * Taken when this class initializes, before its event loop group exists: the first Netty class
   * to log would otherwise probe SLF4J itself and, without a provider, print SLF4J's warning
   * (see {@link Logging}).
   */
  private static final Logger log = Logging.logger(ClientResources.class);

  /** Default I/O threads: 1, which keeps up with a broker's round trips for many clients. */
  public static final int DEFAULT_IO_THREADS = 1;
  /** Default callback threads: 1, so completions keep their order. */
  public static final int DEFAULT_CALLBACK_THREADS = 1;

  private final int ioThreads;
  private final int callbackThreads;
  private final EventLoopGroup eventLoopGroup;
  private final ExecutorService callbacks;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ClientResources(Builder b) {
    this.ioThreads = b.ioThreads;
    this.callbackThreads = b.callbackThreads;
    this.eventLoopGroup = new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory("workq-client-io", true),
        NioIoHandler.newFactory());
    DefaultThreadFactory callbackFactory = new DefaultThreadFactory("workq-client-callbacks", true);
    this.callbacks = callbackThreads == 1
        ? new DrainingExecutor(Executors.newSingleThreadExecutor(callbackFactory))
        : Executors.newFixedThreadPool(callbackThreads, callbackFactory);
  }

  /** Resources with every setting at its default. */
  public static ClientResources create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Threads of {@link #eventLoopGroup()}; default {@value #DEFAULT_IO_THREADS}. */
  public int ioThreads() {
    return ioThreads;
  }

  /** Threads of {@link #callbackExecutor()}; default {@value #DEFAULT_CALLBACK_THREADS}. */
  public int callbackThreads() {
    return callbackThreads;
  }

  /** The event loops connections run on. Never block one of its threads. */
  public EventLoopGroup eventLoopGroup() {
    return eventLoopGroup;
  }

  /** Where futures complete and callbacks run; these threads may block. */
  public ExecutorService callbackExecutor() {
    return callbacks;
  }

  /** Whether {@link #close()} has been called. */
  public boolean isClosed() {
    return closed.get();
  }

  /**
   * Stops the threads, waiting up to a few seconds for the event loops to finish. Clients still
   * using these resources lose their connections. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    callbacks.shutdown();
    eventLoopGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    log.debug("client threads stopped ({} I/O, {} callback)", ioThreads, callbackThreads);
  }

  /** Builds {@link ClientResources}; every setter checks its argument. */
  public static final class Builder {
    private int ioThreads = DEFAULT_IO_THREADS;
    private int callbackThreads = DEFAULT_CALLBACK_THREADS;

    private Builder() {}

    /** I/O threads, shared by every connection of every client using the resources; 1..256. */
    public Builder ioThreads(int threads) {
      if (threads < 1 || threads > 256) {
        throw new IllegalArgumentException("ioThreads must be 1..256, got " + threads);
      }
      this.ioThreads = threads;
      return this;
    }

    /** Callback threads; 1..256. More than one lets slow callbacks overlap but loses their order. */
    public Builder callbackThreads(int threads) {
      if (threads < 1 || threads > 256) {
        throw new IllegalArgumentException("callbackThreads must be 1..256, got " + threads);
      }
      this.callbackThreads = threads;
      return this;
    }

    public ClientResources build() {
      return new ClientResources(this);
    }
  }
}
