package dev.workq.client;

/**
 * Receives a consumer's deliveries. Called on the connection's I/O thread: hand work to your own
 * executor and return; never block here.
 */
public interface DeliveryListener {

  void onDelivery(Delivery delivery);

  /** The connection closed; deliveries not yet acked go back to the broker's queue. */
  default void onClose(String reason) {}
}
