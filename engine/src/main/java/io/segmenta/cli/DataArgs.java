package io.segmenta.cli;

import io.segmenta.data.Dataset;
import io.segmenta.data.TableOptions;
import io.segmenta.data.TableReader;
import io.segmenta.store.FeatureStore;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The rows a command clusters: a feature table (--input and its reading options) or a feature store. */
final class DataArgs {
  @Mixin TableArgs table;

  @Option(names = "--store", paramLabel = "DIR", description = "Read the rows from a feature store (segment ingest) instead of --input.")
  Path store;

  /** Loaded rows; closing releases the store's mapping. */
  record Loaded(Dataset data, FeatureStore store, Path source, double readSeconds) implements AutoCloseable {
    @Override
    public void close() {
      if (store != null) store.close();
    }
  }

  Loaded load(CommandSpec spec, boolean progress) throws java.io.IOException {
    if ((table.input == null) == (store == null)) throw new ParameterException(spec.commandLine(), "give exactly one of --input FILE and --store DIR");
    if (store != null && (table.columns != null || table.idColumn != null || table.weightColumn != null || table.header != null)) {
      throw new ParameterException(spec.commandLine(), "--columns, --id-column, --weight-column and --header apply to --input, not --store");
    }
    long t0 = System.nanoTime();
    if (store != null) {
      FeatureStore fs = FeatureStore.open(store);
      return new Loaded(fs.dataset(), fs, store, (System.nanoTime() - t0) / 1e9);
    }
    try (Progress p = Progress.bytes("Reading " + table.input.getFileName(), table.input, !progress, spec.commandLine().getErr())) {
      TableOptions opts = table.options(List.of());
      TableReader.Read read = TableReader.readWithReport(table.input, opts, p::stepTo);
      p.done();
      if (read.missing().missingCells() > 0) {
        spec.commandLine().getErr().println("segment: missing values: " + read.missing().describe(opts.missing().strategy()));
      }
      return new Loaded(read.data(), null, table.input, (System.nanoTime() - t0) / 1e9);
    }
  }
}
