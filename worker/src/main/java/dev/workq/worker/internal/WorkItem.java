package dev.workq.worker.internal;

import dev.workq.client.Delivery;
import java.time.Duration;

/**
 * The part of a {@link Delivery} the worker's task machinery uses: what the task is, how to settle
 * it, and whether the broker revoked it. The seam where unit tests put a fake in place of a broker.
 */
public interface WorkItem {

  long tag();

  String id();

  String queue();

  String handler();

  int attempts();

  byte[] payload();

  long leaseMs();

  boolean isRevoked();

  /** See {@link Delivery#onRevoke}: on the I/O thread, must not block. */
  void onRevoke(Runnable action);

  void complete(byte[] result);

  void fail(String error, boolean permanent, byte[] result);

  void fail(String error, Duration retryAfter, byte[] result);

  void release();

  /** {@code d} as a work item. */
  static WorkItem of(Delivery d) {
    return new WorkItem() {
      @Override
      public long tag() {
        return d.tag();
      }

      @Override
      public String id() {
        return d.id();
      }

      @Override
      public String queue() {
        return d.queue();
      }

      @Override
      public String handler() {
        return d.handler();
      }

      @Override
      public int attempts() {
        return d.attempts();
      }

      @Override
      public byte[] payload() {
        return d.payload().bytes();
      }

      @Override
      public long leaseMs() {
        return d.leaseMs();
      }

      @Override
      public boolean isRevoked() {
        return d.isRevoked();
      }

      @Override
      public void onRevoke(Runnable action) {
        d.onRevoke(action);
      }

      @Override
      public void complete(byte[] result) {
        d.complete(result);
      }

      @Override
      public void fail(String error, boolean permanent, byte[] result) {
        d.fail(error, permanent, result);
      }

      @Override
      public void fail(String error, Duration retryAfter, byte[] result) {
        d.fail(error, retryAfter, result);
      }

      @Override
      public void release() {
        d.release();
      }

      @Override
      public String toString() {
        return "task " + d.id() + " (delivery " + d.tag() + ")";
      }
    };
  }
}
