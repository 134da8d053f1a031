package dev.workq.server.internal.core;

import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Payload;

/**
 * One item in a queue, owned by the core thread. The payload is never parsed here. {@code seq}
 * orders items by arrival so that items handed back go to the front in their original order.
 */
final class Item {

  final long seq;
  final String id;
  final String queue;
  final ItemKind kind;
  final String handler;
  final String replyTo;
  final Payload payload;
  int attempts;

  Item(long seq, String id, String queue, ItemKind kind, String handler, String replyTo, Payload payload) {
    this.seq = seq;
    this.id = id;
    this.queue = queue;
    this.kind = kind;
    this.handler = handler;
    this.replyTo = replyTo;
    this.payload = payload;
  }
}
