package dev.workq.client;

/**
 * Receives a consumer's deliveries. Called on the connection's I/O thread: hand work to your own
 * executor and return; never block here. A task delivery can be revoked while you hold it (its task
 * was cancelled): see {@link Delivery#onRevoke}.
 */
public interface DeliveryListener {

  void onDelivery(Delivery delivery);

  /** The connection closed; deliveries not yet acked go back to the broker's queue. */
  default void onClose(String reason) {}
}
