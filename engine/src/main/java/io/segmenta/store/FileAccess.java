package io.segmenta.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Who may read what Segmenta writes. Feature stores (customer ids and features), model files and
 * run directories are created readable by their owner only; with {@code
 * -Dsegmenta.files.group-readable=true} the owner's group may read them too. On a file system
 * without POSIX permissions nothing is changed.
 */
public final class FileAccess {
  /** The system property that lets the owner's group read stores, models and outputs. */
  public static final String GROUP_READABLE = "segmenta.files.group-readable";

  private FileAccess() {}

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  /** Restricts a directory Segmenta created (rwx------, or rwxr-x--- when group-readable). */
  public static void restrictDir(Path dir) {
    set(dir, Boolean.getBoolean(GROUP_READABLE) ? "rwxr-x---" : "rwx------");
  }

  /** Restricts a file Segmenta created (rw-------, or rw-r----- when group-readable). */
  public static void restrictFile(Path file) {
    set(file, Boolean.getBoolean(GROUP_READABLE) ? "rw-r-----" : "rw-------");
  }

  private static void set(Path p, String perms) {
    if (!posix()) return;
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot set the permissions of " + p + ": " + e.getMessage(), e);
    }
  }
}
