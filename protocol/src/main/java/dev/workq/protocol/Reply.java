package dev.workq.protocol;

/** An answer to a {@link Request}; {@link #corr()} names the request. */
public interface Reply {

  long corr();
}
