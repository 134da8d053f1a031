package dev.workq.pool.internal;

import dev.workq.pool.AsyncResult;
import dev.workq.pool.Call;
import dev.workq.pool.MapOptions;
import dev.workq.pool.PoolIterator;
import java.util.List;

/** A {@link Call} of a handler by name: the pool's calls with one JSON input per run. */
public final class NamedCall<O> implements Call<O> {

  private final Calls calls;
  private final TaskRef task;

  public NamedCall(Calls calls, TaskRef task) {
    this.calls = calls;
    this.task = task;
  }

  @Override
  @SuppressWarnings("unchecked")
  public O apply(Object input) {
    return (O) calls.apply(task, new Object[] {input});
  }

  @Override
  public AsyncResult<O> applyAsync(Object input) {
    return calls.applyAsync(task, new Object[] {input}, null, null);
  }

  @Override
  public List<O> map(Iterable<?> inputs) {
    return map(inputs, MapOptions.DEFAULTS);
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<O> map(Iterable<?> inputs, MapOptions options) {
    if (options.chunksize() > 1) {
      throw new IllegalArgumentException("chunksize applies to @Task methods only: a handler called by name has no :chunk handler");
    }
    return (List<O>) calls.map(task, Inputs.single(inputs), options);
  }

  @Override
  public PoolIterator<O> imap(Iterable<?> inputs) {
    return calls.imap(task, Inputs.single(inputs), MapOptions.DEFAULTS, true);
  }

  @Override
  public PoolIterator<O> imapUnordered(Iterable<?> inputs) {
    return calls.imap(task, Inputs.single(inputs), MapOptions.DEFAULTS, false);
  }
}
