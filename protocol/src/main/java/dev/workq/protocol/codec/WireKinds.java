package dev.workq.protocol.codec;

import dev.workq.protocol.ItemKind;

/**
 * Protocol 2's one-byte item kinds: 1 TASK, 2 STOP, 3 DATA, 4 RESULT. Any other byte reads as
 * {@link ItemKind#UNKNOWN}, so a newer peer's kind does not fail the frame; 0 is what this build
 * writes for UNKNOWN (and for a missing kind), which no conforming peer sends.
 */
final class WireKinds {

  private static final ItemKind[] BY_CODE = {ItemKind.UNKNOWN, ItemKind.TASK, ItemKind.STOP, ItemKind.DATA, ItemKind.RESULT};

  private WireKinds() {}

  static int code(ItemKind kind) {
    if (kind == null) {
      return 0;
    }
    return switch (kind) {
      case TASK -> 1;
      case STOP -> 2;
      case DATA -> 3;
      case RESULT -> 4;
      case UNKNOWN -> 0;
    };
  }

  static ItemKind of(int code) {
    return code < BY_CODE.length ? BY_CODE[code] : ItemKind.UNKNOWN;
  }
}
