package io.segmenta.ingest;

import io.segmenta.data.TableOptions;
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
  public record Report(long rows, long rejected, Path rejectsFile, double seconds) {
    public double rowsPerSecond() {
      return rows / Math.max(seconds, 1e-9);
    }
  }

  public static Report run(Path input, TableOptions options, TableReader.Malformed policy, Path rejectsFile, Path store,
                           boolean overwrite, LongConsumer progress) {
    long t0 = System.nanoTime();
    FeatureStoreWriter[] writer = new FeatureStoreWriter[1];
    try (RejectsFile rejects = new RejectsFile(rejectsFile)) {
      TableReader.ScanResult r = TableReader.stream(input, options, policy, rejects, progress, new TableReader.RowSink() {
        @Override public void start(List<String> columns, boolean hasIds, boolean hasWeights) {
          writer[0] = FeatureStoreWriter.create(store, columns, hasIds, overwrite, input.toString());
        }

        @Override public void row(long line, String id, float[] row, float weight) {
          writer[0].append(id, row);
        }
      });
      writer[0].commit().close();
      return new Report(r.rows(), r.rejected(), r.rejected() > 0 ? rejectsFile : null, (System.nanoTime() - t0) / 1e9);
    } finally {
      if (writer[0] != null) writer[0].close(); // no-op after a commit; removes partial files after a failure
    }
  }
}
