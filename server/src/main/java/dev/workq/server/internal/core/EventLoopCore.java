package dev.workq.server.internal.core;

import io.netty.channel.DefaultEventLoop;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The production core thread and clock: one Netty {@link DefaultEventLoop} (its timers run on
 * the same thread, so they need no locks either) and the system clocks. Every task it runs goes
 * through the core's {@link FatalGuard}, so an Error anywhere on the core thread stops the core.
 */
final class EventLoopCore implements CoreThread, CoreClock {

  private final DefaultEventLoop loop = new DefaultEventLoop(new DefaultThreadFactory("workq-core", true));
  private final FatalGuard guard;

  EventLoopCore(FatalGuard guard) {
    this.guard = guard;
  }

  private Runnable guarded(Runnable task) {
    return guard.guard(task, "core thread");
  }

  @Override
  public void execute(Runnable task) {
    loop.execute(guarded(task));
  }

  @Override
  public void executeUnguarded(Runnable task) {
    loop.execute(task);
  }

  @Override
  public boolean inThread() {
    return loop.inEventLoop();
  }

  @Override
  public void shutdown() {
    loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public long wallMillis() {
    return System.currentTimeMillis();
  }

  @Override
  public Cancellable schedule(Runnable task, long delayMs) {
    ScheduledFuture<?> f = loop.schedule(guarded(task), delayMs, TimeUnit.MILLISECONDS);
    return () -> f.cancel(false);
  }

  @Override
  public Cancellable scheduleAtFixedRate(Runnable task, long periodMs) {
    ScheduledFuture<?> f = loop.scheduleAtFixedRate(guarded(task), periodMs, periodMs, TimeUnit.MILLISECONDS);
    return () -> f.cancel(false);
  }
}
