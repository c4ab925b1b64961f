package io.segmenta.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The files of a feature store directory (format version 1; docs/feature-store.md):
 * <ul>
 *   <li>{@code matrix.f32}: n x d float32, row-major, little-endian;
 *   <li>{@code ids.dat} and {@code ids.off}: row ids as UTF-8, and n + 1 little-endian int64
 *       offsets into ids.dat (row i's id is bytes [off[i], off[i+1]));
 *   <li>{@code ids.cm}: Chronicle Map from id to row;
 *   <li>{@code store.json}: the header (format version, n, d, columns, sizes, CRC-32C checksums);
 *   <li>{@code COMMIT}: written last; holds the CRC-32C of store.json. Without it the store is
 *       incomplete.
 * </ul>
 */
final class StoreFiles {
  static final int FORMAT_VERSION = 1;
  static final String MATRIX = "matrix.f32";
  static final String IDS = "ids.dat";
  static final String OFFSETS = "ids.off";
  static final String ID_MAP = "ids.cm";
  static final String HEADER = "store.json";
  static final String COMMIT = "COMMIT";
  static final List<String> ALL = List.of(COMMIT, HEADER, MATRIX, IDS, OFFSETS, ID_MAP);

  private StoreFiles() {}

  /** Writes {@code text} to {@code file} through a temporary file, forced to disk, renamed into place. */
  static void writeAtomically(Path file, String text) {
    try {
      Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      forceDirectory(file.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Makes a rename durable (POSIX: fsync the directory). */
  static void forceDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Some file systems cannot open a directory; the rename is still atomic, only its durability is weaker.
    }
  }
}
