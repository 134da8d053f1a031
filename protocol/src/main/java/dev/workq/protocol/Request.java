package dev.workq.protocol;

/** A message that expects an answer carrying the same {@link #corr()}. */
public interface Request {

  /** The request id chosen by the sender, echoed in the answer. */
  long corr();
}
