package io.segmenta.model;

import io.segmenta.kmeans.Init;
import io.segmenta.kmeans.KMeansModel;
import io.segmenta.kmeans.KMeansParams;
import io.segmenta.preprocess.FeatureScaling;
import io.segmenta.preprocess.Log1p;
import io.segmenta.preprocess.ScaleMethod;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Saves and loads {@link KMeansModel}s in the versioned Segmenta model format ({@code .segm}),
 * documented in {@code docs/model-format.md}.
 *
 * <p>A file is a fixed header (magic, format version, model kind, payload length), a payload, and a
 * CRC-32 of the payload. Writes go to a temporary file in the same directory, are forced to disk,
 * and are renamed over the target, so a reader sees the old file or the new one, never half of one.
 * A reader checks everything before trusting the payload: a truncated, corrupt or newer file is a
 * {@link ModelFormatException} that says which.
 */
public final class ModelFile {
  /** "SEGMENTA" in ASCII. */
  static final byte[] MAGIC = "SEGMENTA".getBytes(StandardCharsets.US_ASCII);
  /** The format this build writes, and the newest it reads. */
  public static final int FORMAT_VERSION = 4;
  static final int KIND_KMEANS = 1;
  static final int KIND_GMM = 2;
  static final int KIND_DBSCAN = 3;
  static final int HEADER_BYTES = 8 + 4 + 4 + 8;
  /** The largest file the reader accepts: nothing past it is read into memory. */
  static final long MAX_FILE_BYTES = 1L << 30;

  private ModelFile() {}

  /** Writes {@code model} to {@code file} atomically, replacing any file there. */
  public static void save(KMeansModel model, Path file) {
    write(KIND_KMEANS, payload(model), file);
  }

  /** Writes a Gaussian mixture to {@code file} atomically (kind 2, from format version 4). */
  public static void save(io.segmenta.mixture.GmmModel model, Path file) {
    write(KIND_GMM, ModelPayloads.gmm(model), file);
  }

  /** Writes a DBSCAN model to {@code file} atomically (kind 3, from format version 4). */
  public static void save(io.segmenta.density.DbscanModel model, Path file) {
    write(KIND_DBSCAN, ModelPayloads.dbscan(model), file);
  }

  /** What a model file holds, from its header (the whole file is checked). */
  public enum Kind { KMEANS, GMM, DBSCAN }

  /** The kind of model in {@code file}; a {@link ModelFormatException} when it is not a valid model file. */
  public static Kind kindOf(Path file) {
    return switch (read(file, 0).kind) {
      case KIND_KMEANS -> Kind.KMEANS;
      case KIND_GMM -> Kind.GMM;
      default -> Kind.DBSCAN;
    };
  }

  /** Reads a Gaussian mixture written by {@link #save(io.segmenta.mixture.GmmModel, Path)}. */
  public static io.segmenta.mixture.GmmModel loadGmm(Path file) {
    Checked c = read(file, KIND_GMM);
    return parse(c, in -> ModelPayloads.readGmm(in));
  }

  /** Reads a DBSCAN model written by {@link #save(io.segmenta.density.DbscanModel, Path)}. */
  public static io.segmenta.density.DbscanModel loadDbscan(Path file) {
    Checked c = read(file, KIND_DBSCAN);
    return parse(c, in -> ModelPayloads.readDbscan(in));
  }

  private static void write(int kind, byte[] payload, Path file) {
    CRC32 crc = new CRC32();
    crc.update(payload);
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.BIG_ENDIAN);
    header.put(MAGIC).putInt(FORMAT_VERSION).putInt(kind).putLong(payload.length).flip();
    ByteBuffer trailer = ByteBuffer.allocate(4).putInt((int) crc.getValue()).flip();
    Path dir = file.toAbsolutePath().getParent();
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
      try {
        io.segmenta.store.FileAccess.restrictFile(tmp);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
          ch.write(new ByteBuffer[] {header, ByteBuffer.wrap(payload), trailer});
          ch.force(true);
        }
        try {
          Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write model file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads a K-Means model written by {@link #save(KMeansModel, Path)}. */
  public static KMeansModel load(Path file) {
    Checked c = read(file, KIND_KMEANS);
    return parse(c, in -> readPayload(in, c.version));
  }

  /** A file whose header, length and checksum passed: its version, kind and payload. */
  private record Checked(String where, int version, int kind, byte[] all, int length) {}

  private static Checked read(Path file, int kind) {
    byte[] all;
    try {
      if (Files.exists(file) && !Files.isRegularFile(file)) {
        throw new ModelFormatException(file + " is " + (Files.isDirectory(file) ? "a directory" : "not a regular file") + ", not a model file");
      }
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw new ModelFormatException(file + " has " + size + " bytes; a model file is at most " + MAX_FILE_BYTES
            + " (a million centroids of 100 values), so this is not one");
      }
      all = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ModelFormatException(file + ": no such model file");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model file " + file + ": " + e.getMessage(), e);
    }
    return check(all, file.toString(), kind);
  }

  /** Decodes a K-Means model from a whole file's bytes (the reader the fuzz tests drive). */
  static KMeansModel decode(byte[] all, String where) {
    Checked c = check(all, where, KIND_KMEANS);
    return parse(c, in -> readPayload(in, c.version));
  }

  /** Header, length and checksum checks; {@code kind} 0 accepts any known kind. */
  private static Checked check(byte[] all, String where, int kind) {
    if (all.length < MAGIC.length || !java.util.Arrays.equals(all, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new ModelFormatException(where + " is not a Segmenta model file (no SEGMENTA magic at the start)");
    }
    if (all.length < HEADER_BYTES) throw new ModelFormatException(where + " is truncated: the header is incomplete");
    ByteBuffer h = ByteBuffer.wrap(all, MAGIC.length, HEADER_BYTES - MAGIC.length);
    int version = h.getInt();
    int k = h.getInt();
    long length = h.getLong();
    if (version > FORMAT_VERSION || version < 1) {
      throw new ModelFormatException(where + " has model format version " + version + "; this build reads versions 1 to "
          + FORMAT_VERSION + (version > FORMAT_VERSION ? " (written by a newer Segmenta)" : ""));
    }
    if (k < KIND_KMEANS || k > KIND_DBSCAN || (k != KIND_KMEANS && version < 4)) {
      throw new ModelFormatException(where + " holds a model of unknown kind " + k);
    }
    if (kind != 0 && k != kind) {
      throw new ModelFormatException(where + " holds a " + kindName(k) + " model, not a " + kindName(kind) + " one");
    }
    if (length < 0 || length > all.length - HEADER_BYTES - 4L) {
      throw new ModelFormatException(where + " is truncated: the header promises " + length + " payload bytes and a checksum, the file has "
          + (all.length - HEADER_BYTES) + " bytes after the header");
    }
    if (length != all.length - HEADER_BYTES - 4L) {
      throw new ModelFormatException(where + " has " + (all.length - HEADER_BYTES - 4L - length) + " unexpected bytes after the checksum");
    }
    CRC32 crc = new CRC32();
    crc.update(all, HEADER_BYTES, (int) length);
    int stored = ByteBuffer.wrap(all, HEADER_BYTES + (int) length, 4).getInt();
    if (stored != (int) crc.getValue()) {
      throw new ModelFormatException(where + " is corrupt: the payload checksum does not match (CRC-32 stored "
          + Integer.toHexString(stored) + ", computed " + Long.toHexString(crc.getValue()) + ")");
    }
    return new Checked(where, version, k, all, (int) length);
  }

  static String kindName(int kind) {
    return switch (kind) {
      case KIND_KMEANS -> "K-Means";
      case KIND_GMM -> "Gaussian mixture";
      case KIND_DBSCAN -> "DBSCAN";
      default -> "kind " + kind;
    };
  }

  interface PayloadReader<T> {
    T read(DataInputStream in) throws IOException;
  }

  private static <T> T parse(Checked c, PayloadReader<T> reader) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(c.all, HEADER_BYTES, c.length));
      T model = reader.read(in);
      if (in.available() != 0) throw new IOException(in.available() + " bytes left over after the model");
      return model;
    } catch (EOFException e) {
      throw new ModelFormatException(c.where + " is corrupt: the payload ends early", e);
    } catch (IOException | RuntimeException e) {
      // Whatever a hostile payload trips (a bad enum name, an invalid parameter), the caller sees one documented exception.
      throw new ModelFormatException(c.where + " is corrupt: " + e.getMessage(), e);
    }
  }

  /** Fails before an allocation of {@code bytes} that the rest of the payload cannot hold. */
  static void need(DataInputStream in, long bytes, String what) throws IOException {
    if (bytes < 0 || bytes > in.available()) {
      throw new IOException(what + " needs " + bytes + " bytes, the payload has " + in.available() + " left");
    }
  }

  private static byte[] payload(KMeansModel m) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      int d = m.d();
      out.writeInt(m.k());
      out.writeInt(d);
      for (String c : m.columns()) out.writeUTF(c);
      FeatureScaling s = m.scaling();
      out.writeUTF(s.method().name());
      for (boolean b : s.log1p()) out.writeBoolean(b);
      for (double v : s.offset()) out.writeDouble(v);
      for (double v : s.scale()) out.writeDouble(v);
      for (double[] c : m.centroids()) for (double v : c) out.writeDouble(v);
      out.writeDouble(m.inertia());
      out.writeInt(m.iterations());
      out.writeBoolean(m.converged());
      out.writeLong(m.trainedRows());
      KMeansParams p = m.params();
      out.writeUTF(p.init().name());
      out.writeInt(p.nInit());
      out.writeInt(p.maxIter());
      out.writeDouble(p.tol());
      out.writeLong(p.seed());
      out.writeUTF(p.scale().name());
      out.writeInt(p.log1p().columns().size());
      for (String c : p.log1p().columns()) out.writeUTF(c);
      out.writeDouble(p.log1p().skewThreshold());
      double[][] init = p.initialCentroids();
      out.writeBoolean(init != null);
      if (init != null) {
        out.writeInt(init[0].length);
        for (double[] c : init) for (double v : c) out.writeDouble(v);
      }
      out.writeInt(p.swaps()); // version 3
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static KMeansModel readPayload(DataInputStream in, int version) throws IOException {
    int k = in.readInt();
    int d = in.readInt();
    if (k < 1 || d < 1 || (long) k * d > (1L << 28)) throw new IOException("implausible shape k=" + k + ", d=" + d);
    // Every allocation below is checked against the bytes left: column names take 2 bytes at least,
    // each centroid and scaling vector 8 bytes a value.
    need(in, 2L * d + (long) k * d * 8, k + " centroids of " + d + " columns");
    List<String> columns = new ArrayList<>(d);
    for (int j = 0; j < d; j++) columns.add(in.readUTF());
    ScaleMethod method = ScaleMethod.valueOf(in.readUTF());
    boolean[] logCols = new boolean[d];
    if (version >= 2) for (int j = 0; j < d; j++) logCols[j] = in.readBoolean();
    double[] offset = readDoubles(in, d);
    double[] scale = readDoubles(in, d);
    double[][] centroids = new double[k][];
    for (int c = 0; c < k; c++) centroids[c] = readDoubles(in, d);
    double inertia = in.readDouble();
    int iterations = in.readInt();
    boolean converged = in.readBoolean();
    long trainedRows = in.readLong();
    Init init = Init.valueOf(in.readUTF());
    int nInit = in.readInt();
    int maxIter = in.readInt();
    double tol = in.readDouble();
    long seed = in.readLong();
    ScaleMethod scaleParam = ScaleMethod.valueOf(in.readUTF());
    Log1p logSpec = Log1p.NONE;
    if (version >= 2) {
      int nc = in.readInt();
      if (nc < 0 || nc > d) throw new IOException("implausible log1p column count " + nc);
      List<String> lc = new ArrayList<>(nc);
      for (int i = 0; i < nc; i++) lc.add(in.readUTF());
      logSpec = new Log1p(lc, in.readDouble());
    }
    double[][] initial = null;
    if (in.readBoolean()) {
      int id = in.readInt();
      need(in, (long) k * Math.max(0, id) * 8, "initial centroids of width " + id);
      initial = new double[k][];
      for (int c = 0; c < k; c++) initial[c] = readDoubles(in, id);
    }
    int swaps = 0;
    if (version >= 3) {
      swaps = in.readInt();
      if (swaps < 0) throw new IOException("implausible swap count " + swaps);
    }
    KMeansParams params = new KMeansParams(k, init, initial, nInit, maxIter, tol, seed, scaleParam, logSpec, swaps);
    return new KMeansModel(columns, centroids, new FeatureScaling(method, logCols, offset, scale), inertia, iterations, converged,
        trainedRows, params);
  }

  static double[] readDoubles(DataInputStream in, int n) throws IOException {
    need(in, (long) n * 8, n + " values");
    double[] v = new double[n];
    for (int i = 0; i < n; i++) v[i] = in.readDouble();
    return v;
  }
}
