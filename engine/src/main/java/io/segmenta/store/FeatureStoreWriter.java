package io.segmenta.store;

import io.segmenta.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.logging.Logger;
import java.util.zip.CRC32C;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * Streams rows into a new feature store. Memory does not grow with the number of rows: rows go
 * through fixed buffers to the files, and the id map is built at {@link #commit} from the id file.
 * The store becomes visible to readers only when {@code commit} writes the {@code COMMIT} marker,
 * last; a writer that dies before (a crash, a kill) leaves a store that opens as "incomplete".
 * {@link #close} without {@code commit} removes the partial files.
 */
public final class FeatureStoreWriter implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(FeatureStoreWriter.class.getName());
  private static final int BUFFER = 1 << 20;

  private final Path dir;
  private final List<String> columns;
  private final int d;
  private final boolean withIds;
  private final String source;
  private final FileChannel matrix;
  private final FileChannel idData;
  private final FileChannel idOffsets;
  private final ByteBuffer mbuf = ByteBuffer.allocateDirect(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
  private final ByteBuffer ibuf = ByteBuffer.allocateDirect(BUFFER);
  private final ByteBuffer obuf = ByteBuffer.allocateDirect(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
  private final CRC32C matrixCrc = new CRC32C();
  private final CRC32C idCrc = new CRC32C();
  private long rows;
  private long idBytes;
  private boolean committed;
  private boolean closed;

  private FeatureStoreWriter(Path dir, List<String> columns, boolean withIds, String source) throws IOException {
    this.dir = dir;
    this.columns = List.copyOf(columns);
    this.d = columns.size();
    this.withIds = withIds;
    this.source = source == null ? "" : source;
    matrix = FileChannel.open(dir.resolve(StoreFiles.MATRIX), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    idData = withIds ? FileChannel.open(dir.resolve(StoreFiles.IDS), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE) : null;
    idOffsets = withIds ? FileChannel.open(dir.resolve(StoreFiles.OFFSETS), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE) : null;
    if (withIds) obuf.putLong(0);
  }

  /**
   * Starts a store in {@code dir}.
   *
   * @param withIds whether rows carry customer ids (an id map is built); without, rows are
   *     numbered from 1 and a row's id is its number
   * @param overwrite whether a committed store already there may be replaced; an incomplete one
   *     (an interrupted ingest) is always replaced
   */
  public static FeatureStoreWriter create(Path dir, List<String> columns, boolean withIds, boolean overwrite, String source) {
    if (columns.isEmpty()) throw new InvalidInputException("a feature store needs at least one column");
    try {
      if (Files.exists(dir.resolve(StoreFiles.COMMIT)) && !overwrite) {
        throw new InvalidInputException("a feature store already exists at " + dir + "; pass --overwrite to replace it");
      }
      Files.createDirectories(dir);
      FileAccess.restrictDir(dir); // customer ids and features: the owner's alone unless configured
      boolean partial = false;
      // The marker goes first, so that a crash while clearing leaves an incomplete store, not a mixed one.
      for (String f : StoreFiles.ALL) partial |= Files.deleteIfExists(dir.resolve(f));
      if (partial) LOG.info("replacing the store at " + dir);
      return new FeatureStoreWriter(dir, columns, withIds, source);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a feature store at " + dir + ": " + e.getMessage(), e);
    }
  }

  public int cols() {
    return d;
  }

  /** Rows appended so far. */
  public long rows() {
    return rows;
  }

  /**
   * Appends one row. Values must be finite; the error names the row (1-based), the id and the column.
   *
   * @param id the customer id (ignored by a store without ids)
   */
  public void append(String id, float[] row) {
    if (committed || closed) throw new IllegalStateException("the writer is " + (committed ? "committed" : "closed"));
    if (row.length != d) throw new InvalidInputException("row " + (rows + 1) + " has " + row.length + " values for " + d + " columns");
    for (int j = 0; j < d; j++) {
      if (!Float.isFinite(row[j])) {
        throw new InvalidInputException("row " + (rows + 1) + (id == null ? "" : " (id '" + id + "')") + ", column '" + columns.get(j)
            + "': value " + row[j] + " is not finite");
      }
    }
    try {
      if (mbuf.remaining() < d * Float.BYTES) flush(matrix, mbuf, matrixCrc);
      for (float v : row) mbuf.putFloat(v);
      if (withIds) {
        if (id == null || id.isEmpty()) throw new InvalidInputException("row " + (rows + 1) + ": empty id");
        byte[] b = id.getBytes(StandardCharsets.UTF_8);
        if (ibuf.remaining() < b.length) flush(idData, ibuf, idCrc);
        if (b.length > ibuf.capacity()) throw new InvalidInputException("row " + (rows + 1) + ": id longer than " + ibuf.capacity() + " bytes");
        ibuf.put(b);
        idBytes += b.length;
        if (obuf.remaining() < Long.BYTES) flush(idOffsets, obuf, null);
        obuf.putLong(idBytes);
      }
      rows++;
    } catch (IOException e) {
      throw new UncheckedIOException("writing the feature store at " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void flush(FileChannel ch, ByteBuffer buf, CRC32C crc) throws IOException {
    buf.flip();
    if (crc != null) {
      crc.update(buf.duplicate());
    }
    while (buf.hasRemaining()) ch.write(buf);
    buf.clear();
  }

  /**
   * Finishes the files, builds the id map, writes the header and then the commit marker. Returns
   * the store, opened.
   */
  public FeatureStore commit() {
    if (committed) throw new IllegalStateException("already committed");
    if (rows == 0) throw new InvalidInputException("no rows were written to the feature store at " + dir);
    try {
      flush(matrix, mbuf, matrixCrc);
      matrix.force(true);
      matrix.close();
      if (withIds) {
        flush(idData, ibuf, idCrc);
        flush(idOffsets, obuf, null);
        idData.force(true);
        idOffsets.force(true);
        idData.close();
        idOffsets.close();
        buildIdMap();
      }
      StoreHeader h = new StoreHeader(StoreFiles.FORMAT_VERSION, rows, d, columns, rows * d * Float.BYTES, matrixCrc.getValue(),
          withIds ? idBytes : -1, withIds ? idCrc.getValue() : 0, Instant.now().toString(), source);
      String json = h.toJson();
      StoreFiles.writeAtomically(dir.resolve(StoreFiles.HEADER), json);
      CRC32C hc = new CRC32C();
      hc.update(json.getBytes(StandardCharsets.UTF_8));
      StoreFiles.writeAtomically(dir.resolve(StoreFiles.COMMIT), Long.toString(hc.getValue()) + "\n");
      committed = true;
    } catch (IOException e) {
      throw new UncheckedIOException("committing the feature store at " + dir + ": " + e.getMessage(), e);
    }
    return FeatureStore.open(dir, false);
  }

  private void buildIdMap() throws IOException {
    try (Arena arena = Arena.ofConfined();
         FileChannel ic = FileChannel.open(dir.resolve(StoreFiles.IDS), StandardOpenOption.READ);
         FileChannel oc = FileChannel.open(dir.resolve(StoreFiles.OFFSETS), StandardOpenOption.READ)) {
      MemorySegment ids = ic.size() == 0 ? MemorySegment.NULL : ic.map(FileChannel.MapMode.READ_ONLY, 0, ic.size(), arena);
      MemorySegment off = oc.map(FileChannel.MapMode.READ_ONLY, 0, oc.size(), arena);
      double avg = Math.max(1, (double) idBytes / rows);
      MapBuild build = MapBuild.of(dir.resolve(StoreFiles.ID_MAP), rows, avg);
      try (ChronicleMap<CharSequence, Long> map = ChronicleMap.of(CharSequence.class, Long.class)
          .name("segmenta-ids").entries(Math.max(rows, 16)).averageKeySize(avg)
          .createPersistedTo(build.file().toFile())) {
        ValueLayout.OfLong le = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        byte[] buf = new byte[256];
        for (long r = 0; r < rows; r++) {
          long a = off.get(le, r * 8), b = off.get(le, r * 8 + 8);
          int len = (int) (b - a);
          if (len > buf.length) buf = new byte[len];
          MemorySegment.copy(ids, ValueLayout.JAVA_BYTE, a, buf, 0, len);
          String id = new String(buf, 0, len, StandardCharsets.UTF_8);
          Long prev = map.putIfAbsent(id, r);
          if (prev != null) {
            throw new InvalidInputException("duplicate customer id '" + id + "' at rows " + (prev + 1) + " and " + (r + 1)
                + "; ids must be unique (aggregate the rows first, e.g. with 'segment rfm')");
          }
        }
      } catch (RuntimeException | IOException e) {
        build.abandon();
        throw e;
      }
      build.finish();
    }
  }

  /** Without a commit, removes the partial files: an abandoned write leaves nothing that looks like data. */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    if (committed) return;
    try {
      matrix.close();
      if (idData != null) idData.close();
      if (idOffsets != null) idOffsets.close();
      for (String f : StoreFiles.ALL) Files.deleteIfExists(dir.resolve(f));
    } catch (IOException e) {
      LOG.warning("could not remove the partial store at " + dir + ": " + e.getMessage());
    }
  }
}
