package io.segmenta.ingest;

import io.segmenta.data.MissingValues;
import io.segmenta.data.TableOptions;
import io.segmenta.preprocess.ExactQuantiles;
import io.segmenta.data.TableReader;
import io.segmenta.store.FeatureStoreWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Streams a customer feature table (CSV, TSV or whitespace, plain or gzipped) into a feature store,
 * with memory that does not grow with the number of rows. Malformed rows fail the ingest (naming
 * the file, line and reason) or, under {@link TableReader.Malformed#SKIP}, are counted and written
 * to a rejects file: nothing is dropped silently.
 */
public final class FeatureIngest {
  private FeatureIngest() {}

  /** What an ingest did. */
  public record Report(long rows, long rejected, Path rejectsFile, MissingValues.Report missing, double seconds) {
    public double rowsPerSecond() {
      return rows / Math.max(seconds, 1e-9);
    }
  }

  public static Report run(Path input, TableOptions options, TableReader.Malformed policy, Path rejectsFile, Path store,
                           boolean overwrite, LongConsumer progress) {
    long t0 = System.nanoTime();
    MissingValues.Strategy ms = options.missing().strategy();
    double[] fill = null;
    if (ms == MissingValues.Strategy.MEAN || ms == MissingValues.Strategy.MEDIAN) fill = fillValues(input, options, ms);
    double[] fills = fill;
    FeatureStoreWriter[] writer = new FeatureStoreWriter[1];
    try (RejectsFile rejects = new RejectsFile(rejectsFile)) {
      TableReader.ScanResult r = TableReader.stream(input, options, policy, rejects, progress, new TableReader.RowSink() {
        @Override public void start(List<String> columns, boolean hasIds, boolean hasWeights) {
          writer[0] = FeatureStoreWriter.create(store, columns, hasIds, overwrite, input.toString());
        }

        @Override public void row(long line, String id, float[] row, float weight) {
          if (fills != null) for (int j = 0; j < row.length; j++) if (row[j] != row[j]) row[j] = (float) fills[j];
          writer[0].append(id, row);
        }
      });
      writer[0].commit().close();
      double[] reported = fill;
      if (ms == MissingValues.Strategy.CONSTANT) {
        reported = new double[r.missing().columns().size()];
        java.util.Arrays.fill(reported, options.missing().constant());
      }
      MissingValues.Report m = r.missing().withFillValues(reported); // keeps where the dropped rows were written
      return new Report(r.rows(), r.rejected(), r.rejected() > 0 ? rejectsFile : null, m, (System.nanoTime() - t0) / 1e9);
    } finally {
      if (writer[0] != null) writer[0].close(); // no-op after a commit; removes partial files after a failure
    }
  }

  /** Extra passes over the file for the fill values: mean (Welford) or exact median (radix selection, two passes). */
  private static double[] fillValues(Path input, TableOptions options, MissingValues.Strategy ms) {
    TableReader.RejectSink ignore = (line, fields, reason) -> {}; // the writing pass reports rejects once
    int[] d = new int[1];
    @SuppressWarnings("unchecked")
    List<String>[] names = new List[1];
    double[][] mean = new double[1][];
    long[][] count = new long[1][];
    ExactQuantiles[] eq = new ExactQuantiles[1];
    TableReader.stream(input, options, TableReader.Malformed.SKIP, ignore, b -> {}, new TableReader.RowSink() {
      @Override public void start(List<String> columns, boolean hasIds, boolean hasWeights) {
        d[0] = columns.size();
        names[0] = columns;
        mean[0] = new double[d[0]];
        count[0] = new long[d[0]];
        eq[0] = new ExactQuantiles(d[0], new double[] {0.5});
      }

      @Override public void row(long line, String id, float[] row, float weight) {
        for (int j = 0; j < row.length; j++) {
          if (row[j] != row[j]) continue;
          count[0][j]++;
          mean[0][j] += (row[j] - mean[0][j]) / count[0][j];
        }
        if (ms == MissingValues.Strategy.MEDIAN) eq[0].pass1(row);
      }
    });
    double[] out = mean[0];
    if (ms == MissingValues.Strategy.MEDIAN) {
      eq[0].endPass1();
      TableReader.stream(input, options, TableReader.Malformed.SKIP, ignore, b -> {}, new TableReader.RowSink() {
        @Override public void start(List<String> columns, boolean hasIds, boolean hasWeights) {}

        @Override public void row(long line, String id, float[] row, float weight) {
          eq[0].pass2(row);
        }
      });
      double[][] q = eq[0].result();
      out = new double[d[0]];
      for (int j = 0; j < d[0]; j++) out[j] = q[j][0];
    }
    for (int j = 0; j < d[0]; j++) {
      if (count[0][j] == 0) throw new io.segmenta.InvalidInputException(input + ", column '" + names[0].get(j) + "': every value is missing; nothing to fill with");
    }
    return out;
  }
}
