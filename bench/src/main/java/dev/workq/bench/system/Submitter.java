package dev.workq.bench.system;

/** Puts tasks on a system's task queue. Called from one thread; must not wait for results. */
public interface Submitter extends AutoCloseable {

  /** Submits task {@code id} (unique within a run) with {@code payload}. */
  void submit(long id, byte[] payload) throws Exception;

  @Override
  void close();
}
