package dev.workq.protocol.codec;

import dev.workq.protocol.MessageType;

/** Protocol 2's binary layouts by type code; a type without one has its JSON as its body. */
final class BodyLayouts {

  private static final BodyLayout[] BY_CODE = new BodyLayout[256];

  static {
    BY_CODE[MessageType.PUT.code()] = new PutLayout();
    BY_CODE[MessageType.PUT_OK.code()] = new PutOkLayout();
    BY_CODE[MessageType.DELIVER.code()] = new DeliverLayout();
    BY_CODE[MessageType.ACK.code()] = TagLayout.ACK;
    BY_CODE[MessageType.COMPLETE.code()] = new CompleteLayout();
    BY_CODE[MessageType.RELEASE.code()] = TagLayout.RELEASE;
    BY_CODE[MessageType.RENEW.code()] = new RenewLayout();
    BY_CODE[MessageType.TASK_WAIT_OK.code()] = new TaskWaitOkLayout();
  }

  private BodyLayouts() {}

  /** The binary layout of {@code type}, or null when its body is JSON. */
  static BodyLayout of(MessageType type) {
    return BY_CODE[type.code()];
  }
}
