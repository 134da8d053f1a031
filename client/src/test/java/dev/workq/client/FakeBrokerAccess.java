package dev.workq.client;

import dev.workq.protocol.Consume;
import dev.workq.protocol.Hello;

/** {@link FakeBroker} for tests outside this package. */
public final class FakeBrokerAccess implements AutoCloseable {

  private final FakeBroker broker = new FakeBroker();

  public ClientOptions.Builder options() {
    return broker.options();
  }

  public Hello hello(int i) {
    return broker.hellos.get(i);
  }

  public Consume consume(int i) {
    return broker.consumes.get(i);
  }

  @Override
  public void close() {
    broker.close();
  }
}
