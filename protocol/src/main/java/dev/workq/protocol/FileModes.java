package dev.workq.protocol;

import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * POSIX file modes as the broker judges and reports them: whether a mode keeps a file to its
 * owner (what key, token and data files must do), and its permission bits for a message.
 */
public final class FileModes {

  private FileModes() {}

  /** Whether {@code mode} grants nothing to the group or to others. */
  public static boolean ownerOnly(Set<PosixFilePermission> mode) {
    for (PosixFilePermission p : mode) {
      if (p != PosixFilePermission.OWNER_READ && p != PosixFilePermission.OWNER_WRITE && p != PosixFilePermission.OWNER_EXECUTE) {
        return false;
      }
    }
    return true;
  }

  /** {@code mode}'s permission bits, such as {@code 0640}. */
  public static int bits(Set<PosixFilePermission> mode) {
    int bits = 0;
    for (PosixFilePermission p : mode) {
      // The enum runs OWNER_READ .. OTHERS_EXECUTE, the bits from 0400 down to 0001.
      bits |= 1 << (8 - p.ordinal());
    }
    return bits;
  }
}
