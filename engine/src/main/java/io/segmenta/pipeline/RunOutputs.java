package io.segmenta.pipeline;

import io.segmenta.Segmenta;
import io.segmenta.data.Dataset;
import io.segmenta.kernels.BackendInfo;
import io.segmenta.kmeans.KMeansModel;
import io.segmenta.kmeans.KMeansResult;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Writes a run's output files. Each file is written to a temporary name and renamed into place, and
 * {@code summary.json} is written last: a directory with a summary holds a complete run.
 */
public final class RunOutputs {
  private RunOutputs() {}

  /**
   * Writes a K-Means run's assignments.csv, centroids.csv and model.segm (after removing an older
   * summary, which would vouch for files about to be replaced); returns the seconds it took.
   */
  public static double writeKMeansFiles(Path dir, Dataset data, KMeansResult r) {
    long t0 = System.nanoTime();
    KMeansModel m = r.model();
    try {
      Files.createDirectories(dir);
      Files.deleteIfExists(dir.resolve("summary.json"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create output directory " + dir + ": " + e.getMessage(), e);
    }
    writeAssignments(dir.resolve("assignments.csv"), data, r.labels(), r.distances());
    long[] sizes = segmentSizes(r);
    writeCentroids(dir.resolve("centroids.csv"), m, sizes);
    Segmenta.saveModel(m, dir.resolve("model.segm"));
    return (System.nanoTime() - t0) / 1e9;
  }

  /** centroids.csv: segment, size, then each column's centroid value in the input's units. */
  public static void writeCentroids(Path file, KMeansModel m, long[] sizes) {
    atomically(file, w -> {
      w.write("segment,size");
      for (String c : m.columns()) w.write("," + csvField(c));
      w.write("\n");
      double[][] c = m.centroidsInInputUnits();
      for (int s = 0; s < c.length; s++) {
        w.write(s + "," + sizes[s]);
        for (double v : c[s]) w.write("," + num(v));
        w.write("\n");
      }
    });
  }

  private static long[] segmentSizes(KMeansResult r) {
    long[] sizes = new long[r.model().k()];
    for (int l : r.labels()) sizes[l]++;
    return sizes;
  }

  /** A K-Means run's summary.json, written last (phases included), so that a directory with a summary holds a complete run. */
  public static void writeKMeansSummary(Path dir, Dataset data, KMeansResult r, BackendInfo backend, Path input, double readSeconds,
                                        double secondsPerIteration, double writeSeconds, java.util.List<io.segmenta.kmeans.ChooseK.Point> elbow,
                                        Phases phases) {
    writeKMeansSummary(dir, data, r, backend, input, readSeconds, secondsPerIteration, writeSeconds, elbow, phases, null);
  }

  /** The same, with what the reader did with missing values: rows dropped (and where they were written), cells filled. */
  public static void writeKMeansSummary(Path dir, Dataset data, KMeansResult r, BackendInfo backend, Path input, double readSeconds,
                                        double secondsPerIteration, double writeSeconds, java.util.List<io.segmenta.kmeans.ChooseK.Point> elbow,
                                        Phases phases, io.segmenta.data.MissingValues.Report missing) {
    KMeansModel m = r.model();
    long[] sizes = segmentSizes(r);
    Json j = new Json();
    j.field("algorithm", "kmeans");
    j.field("k", m.k());
    if (!elbow.isEmpty()) {
      j.field("k_selection", "elbow of the inertia curve (Kneedle) over k = " + elbow.get(0).k() + ".." + elbow.get(elbow.size() - 1).k());
      j.numbers("elbow_inertias", elbow.stream().mapToDouble(io.segmenta.kmeans.ChooseK.Point::inertia).toArray());
    }
    j.field("n", data.rows());
    j.field("d", data.cols());
    j.field("inertia", m.inertia());
    j.field("inertia_space", m.scaling().isIdentity() ? "input units"
        : (m.scaling().log1pColumns(m.columns()).isEmpty() ? "" : "log1p, then ") + m.scaling().method().label() + "-scaled columns");
    j.field("iterations", m.iterations());
    j.field("converged", m.converged());
    j.field("backend", backend.name());
    j.field("device", backend.device());
    j.field("threads", backend.threads());
    j.field("seconds", r.seconds());
    j.field("seconds_per_iteration", secondsPerIteration);
    j.field("read_seconds", readSeconds);
    j.field("write_seconds", writeSeconds);
    j.phases(phases);
    j.field("input", input == null ? "--sql query" : input.toString());
    j.strings("columns", m.columns());
    j.field("weighted", data.weights() != null);
    missing(j, missing);
    j.field("init", m.params().init().label());
    j.field("n_init", m.params().effectiveNInit());
    j.field("swaps", m.params().swaps());
    j.numbers("restart_inertias", r.restartInertias());
    j.field("max_iter", m.params().maxIter());
    j.field("tol", m.params().tol());
    j.field("seed", m.params().seed());
    j.field("scale", m.params().scale().label());
    j.strings("log1p_columns", m.scaling().log1pColumns(m.columns()));
    j.longs("segment_sizes", sizes);
    j.field("created", Instant.now().toString());
    j.field("java", Runtime.version().toString());
    atomically(dir.resolve("summary.json"), w -> w.write(j.toString()));
  }

  /** The fields every algorithm's summary starts with. */
  /** What the reader did with missing values, for a summary: cells missing, rows dropped and where they were written. */
  public static void missing(Json j, io.segmenta.data.MissingValues.Report missing) {
    j.field("missing_cells", missing == null ? 0 : missing.missingCells());
    j.field("dropped_rows", missing == null ? 0 : missing.droppedRows());
    if (missing != null && missing.droppedFile() != null) j.field("dropped_file", missing.droppedFile().toString());
  }

  public static Json summary(String algorithm, Dataset data, BackendInfo backend, Path input, double seconds, double readSeconds) {
    Json j = new Json();
    j.field("algorithm", algorithm);
    j.field("n", data.rows());
    j.field("d", data.cols());
    j.strings("columns", data.columns());
    j.field("weighted", data.weights() != null);
    if (backend != null) {
      j.field("backend", backend.name());
      j.field("device", backend.device());
      j.field("threads", backend.threads());
    }
    j.field("seconds", seconds);
    j.field("read_seconds", readSeconds);
    j.field("input", input == null ? "--sql query" : input.toString());
    return j;
  }

  /** Writes the summary last, so that a directory with a summary holds a complete run. */
  public static void finish(Path dir, Json j) {
    j.field("created", Instant.now().toString());
    j.field("java", Runtime.version().toString());
    atomically(dir.resolve("summary.json"), w -> w.write(j.toString()));
  }

  /**
   * As {@link #finish(Path, Json)}, with the run's phases: {@code read} and {@code fit} as measured
   * by the command, {@code write} from {@code writeStartNanos} (System.nanoTime) to now.
   */
  public static void finish(Path dir, Json j, double readSeconds, double fitSeconds, long writeStartNanos) {
    Phases p = new Phases();
    p.add(Phase.READ, readSeconds);
    p.add(Phase.FIT, fitSeconds);
    p.add(Phase.WRITE, (System.nanoTime() - writeStartNanos) / 1e9);
    j.phases(p);
    finish(dir, j);
  }

  /** {@code id,segment[,extra]} for every row. */
  public static void writeLabels(Path file, Dataset data, int[] labels, String extraHeader, java.util.function.IntFunction<String> extra) {
    atomically(file, w -> {
      w.write(extraHeader == null ? "id,segment\n" : "id,segment," + extraHeader + "\n");
      StringBuilder sb = new StringBuilder(64);
      for (int i = 0; i < labels.length; i++) {
        sb.setLength(0);
        sb.append(csvField(data.id(i))).append(',').append(labels[i]);
        if (extra != null) sb.append(',').append(extra.apply(i));
        w.append(sb.append('\n'));
      }
    });
  }

  /** {@code id,segment,distance}; distance is Euclidean, in the space the model clusters in. */
  public static void writeAssignments(Path file, Dataset data, int[] labels, float[] squaredDistances) {
    atomically(file, w -> {
      w.write("id,segment,distance\n");
      StringBuilder sb = new StringBuilder(64);
      for (int i = 0; i < labels.length; i++) {
        sb.setLength(0);
        sb.append(csvField(data.id(i))).append(',').append(labels[i]).append(',')
            .append((float) Math.sqrt(Math.max(0f, squaredDistances[i]))).append('\n');
        w.append(sb);
      }
    });
  }

  public interface WriterBody {
    void write(Writer w) throws IOException;
  }

  public static void atomically(Path file, WriterBody body) {
    Path dir = file.toAbsolutePath().getParent();
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
      try {
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
          body.write(w);
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
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  public static String csvField(String s) {
    return io.segmenta.data.Csv.field(s);
  }

  /** Shortest text that reads back as the same double. */
  public static String num(double v) {
    return Double.toString(v);
  }

  /** A flat JSON object, written by hand to keep the tool free of a JSON dependency. */
  public static final class Json {
    private final StringBuilder sb = new StringBuilder("{\n");
    private boolean first = true;

    private void key(String k) {
      if (!first) sb.append(",\n");
      first = false;
      sb.append("  ").append(quote(k)).append(": ");
    }

    public void field(String k, String v) {
      key(k);
      sb.append(v == null ? "null" : quote(v));
    }

    public void field(String k, long v) {
      key(k);
      sb.append(v);
    }

    public void field(String k, boolean v) {
      key(k);
      sb.append(v);
    }

    public void field(String k, double v) {
      key(k);
      sb.append(Double.isFinite(v) ? Double.toString(v) : "null");
    }

    public void strings(String k, List<String> v) {
      key(k);
      sb.append('[');
      for (int i = 0; i < v.size(); i++) sb.append(i == 0 ? "" : ", ").append(quote(v.get(i)));
      sb.append(']');
    }

    public void numbers(String k, double[] v) {
      key(k);
      sb.append('[');
      for (int i = 0; i < v.length; i++) sb.append(i == 0 ? "" : ", ").append(Double.isFinite(v[i]) ? Double.toString(v[i]) : "null");
      sb.append(']');
    }

    /** {@code "phases": {"jvm_start_to_main": s, "read": s, ...}}: seconds per step, null where unknown. */
    public void phases(Phases p) {
      key("phases");
      sb.append('{');
      boolean firstPhase = true;
      for (java.util.Map.Entry<String, Double> e : p.snapshot().entrySet()) {
        sb.append(firstPhase ? "" : ", ").append(quote(e.getKey())).append(": ");
        sb.append(Double.isFinite(e.getValue()) ? Double.toString(e.getValue()) : "null");
        firstPhase = false;
      }
      sb.append('}');
      java.util.Map<String, Double> parts = p.parts();
      if (!parts.isEmpty()) {
        // The named parts of the slower phases: "insights.top_products" and so on.
        key("phase_parts");
        sb.append('{');
        boolean first = true;
        for (java.util.Map.Entry<String, Double> e : parts.entrySet()) {
          sb.append(first ? "" : ", ").append(quote(e.getKey())).append(": ").append(e.getValue());
          first = false;
        }
        sb.append('}');
      }
    }

    public void longs(String k, long[] v) {
      key(k);
      sb.append('[');
      for (int i = 0; i < v.length; i++) sb.append(i == 0 ? "" : ", ").append(v[i]);
      sb.append(']');
    }

    public static String quote(String s) {
      StringBuilder q = new StringBuilder(s.length() + 2).append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> q.append("\\\"");
          case '\\' -> q.append("\\\\");
          case '\n' -> q.append("\\n");
          case '\r' -> q.append("\\r");
          case '\t' -> q.append("\\t");
          default -> {
            if (c < 0x20) q.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            else q.append(c);
          }
        }
      }
      return q.append('"').toString();
    }

    @Override public String toString() {
      return sb + "\n}\n";
    }
  }
}
