package io.segmenta.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Where a large Chronicle Map file is built before it takes its place in a store.
 *
 * <p>Keys land in hash order, so a build writes all over the file. Once the file outgrows the
 * kernel's dirty-page threshold (a tenth of the free memory by default), written-back pages are
 * dirtied again at once and the build turns into a stream of rewrites: measured on the reference
 * machine (24 GB), a 10^8-key map (3.8 GB) built in place on disk had not reached 2.5 x 10^7 keys
 * after 3.5 minutes (the store's ingest commit took 21 minutes), against 127 s for the whole build in
 * {@code /dev/shm} plus 9.8 s to copy the file to disk and force it (benchmarks/RESULTS.md; {@code
 * BenchMain mapbuild N FILE} measures a build).
 *
 * <p>So a map estimated above {@value #DETOUR_BYTES} bytes is built in a memory-backed directory
 * when one has room for it ({@code /dev/shm} on Linux), then copied to its place in one sequential
 * write and forced. {@code -Dsegmenta.map.buildDir=DIR} names the directory (used for every map,
 * whatever its size); {@code none} builds in place.
 */
final class MapBuild {
  /** Below this a map stays under the dirty-page threshold of any machine that runs the engine. */
  static final long DETOUR_BYTES = 512L << 20;
  static final String PROPERTY = "segmenta.map.buildDir";

  private final Path target;
  private final Path building;

  private MapBuild(Path target, Path building) {
    this.target = target;
    this.building = building;
  }

  /**
   * Plans the build of the map file {@code target} holding {@code entries} keys of about
   * {@code averageKeyBytes} bytes each with 8-byte values.
   */
  static MapBuild of(Path target, long entries, double averageKeyBytes) throws IOException {
    // Measured for 9-byte keys and long values: 38 bytes per entry (the id index, 3.8 GB for 10^8) to
    // 67 (published assignments, sized from shorter sample keys). A full tmpfs would end the JVM
    // with SIGBUS on a write to the mapped file, so the estimate errs high and the room asked for
    // is half as much again.
    long estimate = (long) (entries * ((averageKeyBytes + 8) * 2 + 48));
    String forced = System.getProperty(PROPERTY);
    Path dir = null;
    if (forced != null) {
      if (!forced.equals("none")) dir = Path.of(forced);
    } else if (estimate >= DETOUR_BYTES) {
      Path shm = Path.of("/dev/shm");
      if (Files.isDirectory(shm) && Files.isWritable(shm) && Files.getFileStore(shm).getUsableSpace() > estimate + (estimate >> 1)) dir = shm;
    }
    if (dir == null) return new MapBuild(target, target);
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "segmenta-map-", ".cm");
    Files.delete(tmp); // Chronicle Map creates the file itself
    return new MapBuild(target, tmp);
  }

  /** The file to build the map in. */
  Path file() {
    return building;
  }

  /** After the map is closed: the file moves to its place (copied and forced when it was built elsewhere). */
  void finish() throws IOException {
    if (building.equals(target)) return;
    try {
      Files.copy(building, target, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
    } finally {
      Files.deleteIfExists(building);
    }
  }

  /** After a failed build: removes the file built elsewhere (the caller removes its own partial files). */
  void abandon() {
    if (building.equals(target)) return;
    try {
      Files.deleteIfExists(building);
    } catch (IOException ignored) {
      // best effort: a leftover temp file in the build directory, named segmenta-map-*.cm
    }
  }
}
