package io.segmenta.cli;

import io.segmenta.data.Dataset;
import io.segmenta.data.MissingValues;
import io.segmenta.data.TableOptions;
import io.segmenta.data.TableReader;
import io.segmenta.data.sql.DuckDbSettings;
import io.segmenta.data.sql.DuckDbSource;
import io.segmenta.store.FeatureStore;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The rows a command clusters: a feature table (--input or --sql, and their reading options) or a feature store. */
final class DataArgs {
  @Mixin TableArgs table;

  @Option(names = "--store", paramLabel = "DIR", description = "Read the rows from a feature store (segment ingest) instead of --input.")
  Path store;

  /** Loaded rows; closing releases the store's mapping. {@code source} is null for --sql. */
  record Loaded(Dataset data, FeatureStore store, Path source, double readSeconds) implements AutoCloseable {
    @Override
    public void close() {
      if (store != null) store.close();
    }
  }

  Loaded load(CommandSpec spec, boolean progress) throws java.io.IOException {
    int sources = (table.input != null ? 1 : 0) + (table.sql != null ? 1 : 0) + (store != null ? 1 : 0);
    if (sources != 1) throw new ParameterException(spec.commandLine(), "give exactly one of --input FILE, --sql QUERY and --store DIR");
    if (store != null && (table.columns != null || table.idColumn != null || table.weightColumn != null || table.header != null)) {
      throw new ParameterException(spec.commandLine(), "--columns, --id-column, --weight-column and --header apply to --input, not --store");
    }
    long t0 = System.nanoTime();
    if (store != null) {
      FeatureStore fs = FeatureStore.open(store);
      return new Loaded(fs.dataset(), fs, store, (System.nanoTime() - t0) / 1e9);
    }
    Dataset data = readTable(spec, table, List.of(), progress).data();
    return new Loaded(data, null, table.input, (System.nanoTime() - t0) / 1e9);
  }

  /** A feature table read into memory and what was done with its missing values. */
  record Table(Dataset data, MissingValues.Report missing) {}

  /**
   * Reads the table that {@code t} names: text (TableReader), Parquet (by name, magic bytes, or a
   * directory) or a --sql query (both through DuckDB). The one place every command reads a feature
   * table; reports what was done with missing values on stderr.
   */
  /** True for Parquet or --sql, after refusing the options that only describe text tables. */
  static boolean textOptionsRefused(CommandSpec spec, TableArgs t) {
    if (t.sql == null && (t.input == null || !DuckDbSource.isParquet(t.input))) return false;
    if (t.header != null || !"auto".equalsIgnoreCase(t.format.strip())) {
      throw new ParameterException(spec.commandLine(), "--format and --header describe text tables; they do not apply to Parquet or --sql");
    }
    return true;
  }

  static Table readTable(CommandSpec spec, TableArgs t, List<String> defaultColumns, boolean progress) throws java.io.IOException {
    if ((t.input == null) == (t.sql == null)) throw new ParameterException(spec.commandLine(), "give exactly one of --input FILE and --sql QUERY");
    TableOptions opts = t.options(defaultColumns);
    Table read;
    if (textOptionsRefused(spec, t)) {
      DuckDbSource.Read r = t.sql != null ? DuckDbSource.readSql(t.sql, opts, DuckDbSettings.defaults())
          : DuckDbSource.readParquet(t.input, opts, DuckDbSettings.defaults());
      read = new Table(r.data(), r.missing());
    } else {
      try (Progress p = Progress.bytes("Reading " + t.input.getFileName(), t.input, !progress, spec.commandLine().getErr())) {
        TableReader.Read r = TableReader.readWithReport(t.input, opts, p::stepTo);
        p.done();
        read = new Table(r.data(), r.missing());
      }
    }
    if (read.missing().missingCells() > 0) {
      spec.commandLine().getErr().println("segment: missing values: " + read.missing().describe(opts.missing().strategy()));
    }
    return read;
  }
}
