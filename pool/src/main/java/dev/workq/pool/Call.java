package dev.workq.pool;

import java.util.List;

/**
 * A task called by its handler name, for handlers that are not methods of this program (the
 * built-ins such as {@code sleep} and {@code pi}, a {@code --handlers} jar, a worker in another
 * language): each input is written as the payload's JSON, the value read as {@code O}. Get one
 * from {@link WorkqPool#task(String, Class)}.
 */
public interface Call<O> {

  /** Runs the task on {@code input} and waits for its value (the pool's timeout). */
  O apply(Object input);

  /** Submits the task on {@code input}. */
  AsyncResult<O> applyAsync(Object input);

  /** Runs the task over every input; values in input order. */
  List<O> map(Iterable<?> inputs);

  /** As {@link #map(Iterable)}, with chunksize and timeout. */
  List<O> map(Iterable<?> inputs, MapOptions options);

  /** Values in input order, lazily. */
  PoolIterator<O> imap(Iterable<?> inputs);

  /** Values as they finish, lazily. */
  PoolIterator<O> imapUnordered(Iterable<?> inputs);
}
