package dev.workq.server.internal.core;

/** An item handed to a connection and not yet acked, completed or released. Core thread only. */
record Delivery(long tag, Item item, QueueState queue, Consumer consumer) {}
