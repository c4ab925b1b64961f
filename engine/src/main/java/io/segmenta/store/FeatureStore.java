package io.segmenta.store;

import io.segmenta.data.Dataset;
import io.segmenta.kernels.HostMatrix;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * A committed feature store, memory-mapped: the matrix through FFM (any size, past 2 GB), ids by
 * row through the offsets file, rows by id through the Chronicle Map. Opening checks the commit
 * marker, the header's checksum and the file sizes, and (by default) the data checksums: an
 * interrupted ingest or a damaged file is reported as such, never read as data.
 *
 * <p>Thread-safe for reads. Closing unmaps everything; data taken from it must not be used after.
 */
public final class FeatureStore implements AutoCloseable {
  private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final long CRC_SLICE = 1L << 30;

  private final Path dir;
  private final StoreHeader header;
  private final Arena arena;
  private final HostMatrix matrix;
  private final MemorySegment ids;
  private final MemorySegment offsets;
  private final ChronicleMap<CharSequence, Long> idMap;

  private FeatureStore(Path dir, StoreHeader header, Arena arena, HostMatrix matrix, MemorySegment ids, MemorySegment offsets,
                       ChronicleMap<CharSequence, Long> idMap) {
    this.dir = dir;
    this.header = header;
    this.arena = arena;
    this.matrix = matrix;
    this.ids = ids;
    this.offsets = offsets;
    this.idMap = idMap;
  }

  /** Opens and fully verifies the store in {@code dir}. */
  public static FeatureStore open(Path dir) {
    return open(dir, true);
  }

  /**
   * Opens the store in {@code dir}.
   *
   * @param verifyData also recompute the data checksums (one read of every byte); the marker, the
   *     header checksum and the file sizes are always checked
   */
  public static FeatureStore open(Path dir, boolean verifyData) {
    StoreHeader h = readHeader(dir);
    Arena arena = Arena.ofShared();
    ChronicleMap<CharSequence, Long> map = null;
    try {
      MemorySegment m = map(dir.resolve(StoreFiles.MATRIX), h.matrixBytes(), arena, "matrix");
      if (verifyData) verify(m, h.matrixCrc(), dir, StoreFiles.MATRIX);
      MemorySegment ids = null, off = null;
      if (h.idBytes() >= 0) {
        ids = map(dir.resolve(StoreFiles.IDS), h.idBytes(), arena, "id");
        off = map(dir.resolve(StoreFiles.OFFSETS), (h.rows() + 1) * Long.BYTES, arena, "id offset");
        if (verifyData) verify(ids, h.idCrc(), dir, StoreFiles.IDS);
        if (off.get(LE_LONG, h.rows() * Long.BYTES) != h.idBytes()) {
          throw new StoreException(dir + " is corrupt: " + StoreFiles.OFFSETS + " does not end at the id file's size");
        }
        if (!Files.exists(dir.resolve(StoreFiles.ID_MAP))) {
          throw new StoreException("the feature store at " + dir + " is corrupt: its id map " + StoreFiles.ID_MAP + " is missing");
        }
        map = ChronicleMap.of(CharSequence.class, Long.class).name("segmenta-ids")
            .entries(Math.max(h.rows(), 16)).averageKeySize(Math.max(1, (double) h.idBytes() / h.rows()))
            .createPersistedTo(dir.resolve(StoreFiles.ID_MAP).toFile());
        if (map.longSize() != h.rows()) {
          long size = map.longSize();
          map.close();
          map = null;
          throw new StoreException(dir + " is corrupt: the id map holds " + size + " ids for " + h.rows() + " rows");
        }
      }
      return new FeatureStore(dir, h, arena, HostMatrix.of(m, h.rows(), h.cols()), ids, off, map);
    } catch (IOException e) {
      arena.close();
      throw new UncheckedIOException("cannot open the feature store at " + dir + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      if (map != null) map.close();
      arena.close();
      throw e;
    }
  }

  private static StoreHeader readHeader(Path dir) {
    if (!Files.isDirectory(dir)) throw new StoreException("no feature store at " + dir + " (not a directory)");
    Path commit = dir.resolve(StoreFiles.COMMIT);
    if (!Files.exists(commit)) {
      boolean any = StoreFiles.ALL.stream().anyMatch(f -> Files.exists(dir.resolve(f)));
      throw new StoreException(any
          ? "the feature store at " + dir + " is incomplete (half-written): it has no commit marker, so its ingest was interrupted (or is "
              + "still running); run the ingest again"
          : "no feature store at " + dir + " (no " + StoreFiles.COMMIT + " or " + StoreFiles.HEADER + " there)");
    }
    try {
      String json = Files.readString(dir.resolve(StoreFiles.HEADER), StandardCharsets.UTF_8);
      CRC32C crc = new CRC32C();
      crc.update(json.getBytes(StandardCharsets.UTF_8));
      String marker = Files.readString(commit).strip();
      if (!marker.equals(Long.toString(crc.getValue()))) {
        throw new StoreException("the feature store at " + dir + " is corrupt: " + StoreFiles.HEADER + " does not match its commit marker");
      }
      return checkHeader(json, "the feature store at " + dir);
    } catch (IOException e) {
      throw new StoreException("the feature store at " + dir + " is corrupt: cannot read " + StoreFiles.HEADER + ": " + e.getMessage(), e);
    }
  }

  /** Parses a header and checks its version and consistency; a {@link StoreException} names what is wrong. */
  static StoreHeader checkHeader(String json, String where) { // id_bytes is -1 in a store without ids
    StoreHeader h = StoreHeader.parse(json, where);
    if (h.version() > StoreFiles.FORMAT_VERSION) {
      throw new StoreException(where + " has format version " + h.version() + "; this build reads up to " + StoreFiles.FORMAT_VERSION
          + " (written by a newer Segmenta)");
    }
    if (h.version() < 1 || h.rows() < 0 || h.cols() < 1 || h.idBytes() < -1 || h.columns().size() != h.cols()
        || h.rows() > Long.MAX_VALUE / Float.BYTES / h.cols() || h.matrixBytes() != h.rows() * h.cols() * Float.BYTES) {
      throw new StoreException(where + " is corrupt: its header is inconsistent (version " + h.version() + ", " + h.rows() + " rows, "
          + h.cols() + " columns, " + h.columns().size() + " column names, " + h.matrixBytes() + " matrix bytes)");
    }
    return h;
  }

  private static MemorySegment map(Path file, long expected, Arena arena, String what) throws IOException {
    if (!Files.exists(file)) throw new StoreException("the feature store is corrupt: its " + what + " file " + file + " is missing");
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (ch.size() != expected) {
        throw new StoreException("the feature store is corrupt: " + file + " has " + ch.size() + " bytes, its header says " + expected);
      }
      // FFM mapping: one segment of any size (a MappedByteBuffer stops at 2 GB).
      return expected == 0 ? MemorySegment.NULL : ch.map(FileChannel.MapMode.READ_ONLY, 0, expected, arena);
    }
  }

  private static void verify(MemorySegment seg, long expected, Path dir, String name) {
    CRC32C crc = new CRC32C();
    for (long off = 0; off < seg.byteSize(); off += CRC_SLICE) {
      crc.update(seg.asSlice(off, Math.min(CRC_SLICE, seg.byteSize() - off)).asByteBuffer());
    }
    if (crc.getValue() != expected) {
      throw new StoreException("the feature store at " + dir + " is corrupt: the checksum of " + name + " does not match its header");
    }
  }

  public Path dir() { return dir; }

  public long rows() { return header.rows(); }

  public int cols() { return header.cols(); }

  public List<String> columns() { return header.columns(); }

  /** Where the rows came from, as the ingest recorded it. */
  public String source() { return header.source(); }

  /** The mapped matrix (valid until {@link #close}). */
  public HostMatrix matrix() { return matrix; }

  public boolean hasIds() { return idMap != null; }

  /** The id of row {@code row} (0-based): the customer id, or the 1-based row number in a store without ids. */
  public String idOf(long row) {
    if (row < 0 || row >= rows()) throw new IndexOutOfBoundsException("row " + row + " of " + rows());
    if (ids == null) return Long.toString(row + 1);
    long a = offsets.get(LE_LONG, row * 8), b = offsets.get(LE_LONG, row * 8 + 8);
    return new String(ids.asSlice(a, b - a).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
  }

  /** The row (0-based) of customer {@code id}, or -1. O(1): one Chronicle Map lookup. */
  public long rowOf(String id) {
    if (idMap == null) {
      try {
        long r = Long.parseLong(id) - 1;
        return r >= 0 && r < rows() ? r : -1;
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    Long r = idMap.get(id);
    return r == null ? -1 : r;
  }

  /** The rows as a {@link Dataset} whose ids come from the store (valid until {@link #close}). */
  public Dataset dataset() {
    return Dataset.of(matrix, columns(), null, null).withIdSource(this::idOf);
  }

  @Override
  public void close() {
    if (idMap != null) idMap.close();
    arena.close();
  }
}
