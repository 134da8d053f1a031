package dev.workq.server.internal;

import dev.workq.protocol.FileModes;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The modes of what the broker creates in its data directory: the directory 0700, every file 0600.
 * The journal holds every payload and result, and a file another local user can open is one they
 * can read, or hold a lock on to block a restart. The modes are given to the {@code open}/{@code
 * mkdir} call itself ({@link PosixFilePermissions#asFileAttribute}), never set afterwards: a chmod
 * after creating leaves a moment in which another user can open the file, and a descriptor opened
 * then stays usable after the chmod. (The process umask can only take bits away.)
 *
 * <p>On a file system without POSIX permissions (Windows) nothing is asked for: there the
 * directory's ACL, inherited from its parent, decides.
 */
public final class PrivateFiles {

  /** rwx for the owner only. */
  public static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");
  /** rw for the owner only. */
  public static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

  private static final Logger LOG = LoggerFactory.getLogger(PrivateFiles.class);
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final FileAttribute<?>[] NONE = new FileAttribute<?>[0];

  private PrivateFiles() {}

  /** Whether the default file system has POSIX modes (and so whether this class asks for any). */
  public static boolean posix() {
    return POSIX;
  }

  /** The attribute that creates a file 0600, for {@link FileChannel#open(Path, Set, FileAttribute[])}. */
  public static FileAttribute<?>[] fileAttributes() {
    return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_MODE)} : NONE;
  }

  /** Opens {@code file} with {@code options}; if the open creates it, it is created 0600. */
  public static FileChannel open(Path file, Set<? extends OpenOption> options) throws IOException {
    return FileChannel.open(file, options, fileAttributes());
  }

  /**
   * Creates {@code dir} and any missing parents 0700. Parents are the broker's too: a {@code
   * --data-dir /srv/workq/data} that makes {@code /srv/workq} should not make it world-readable.
   */
  public static void createDirectories(Path dir) throws IOException {
    if (POSIX) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
    } else {
      Files.createDirectories(dir);
    }
  }

  /**
   * Logs one WARN if {@code dir} already exists with group or other permission bits: directories
   * made by a broker before 0700 (an upgrade) keep their mode, since refusing them would stop a
   * broker that ran yesterday. The operator is told how to fix it.
   */
  public static void warnIfOpen(Path dir) {
    if (!POSIX) {
      return;
    }
    try {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
      if (hasGroupOrOther(mode)) {
        LOG.warn("data directory {} has mode {} ({}): other local users can read the journal, which holds every "
            + "payload and result; run chmod 700 {}", dir, octal(mode), PosixFilePermissions.toString(mode), dir);
      }
    } catch (IOException | UnsupportedOperationException e) {
      LOG.debug("cannot read the mode of {}: {}", dir, e.toString());
    }
  }

  /** Whether {@code mode} grants anything to the group or to others. */
  public static boolean hasGroupOrOther(Set<PosixFilePermission> mode) {
    return !FileModes.ownerOnly(mode);
  }

  /** {@code mode} as a chmod number, such as {@code 0644}. */
  public static String octal(Set<PosixFilePermission> mode) {
    return String.format("0%03o", FileModes.bits(mode));
  }
}
