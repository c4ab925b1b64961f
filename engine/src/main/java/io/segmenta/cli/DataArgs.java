package io.segmenta.cli;

import io.segmenta.data.Dataset;
import io.segmenta.data.MissingValues;
import io.segmenta.data.TableOptions;
import io.segmenta.data.TableReader;
import io.segmenta.data.sql.DuckDbSettings;
import io.segmenta.data.sql.DuckDbSource;
import io.segmenta.pipeline.RunDir;
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

  /**
   * Loaded rows; closing releases the store's mapping. {@code source} is null for --sql; {@code missing} is what the reader did
   * with missing values (null for a store).
   */
  record Loaded(Dataset data, FeatureStore store, Path source, double readSeconds, MissingValues.Report missing) implements AutoCloseable {
    @Override
    public void close() {
      if (store != null) store.close();
    }
  }

  /** The rows; rows that --missing drop leaves out are written to OUT/dropped.csv (or --dropped) in the run's {@code stage}. */
  Loaded load(CommandSpec spec, boolean progress, RunDir stage) throws java.io.IOException {
    int sources = (table.input != null ? 1 : 0) + (table.sql != null ? 1 : 0) + (store != null ? 1 : 0);
    if (sources != 1) throw new ParameterException(spec.commandLine(), "give exactly one of --input FILE, --sql QUERY and --store DIR");
    if (store != null && (table.columns != null || table.idColumn != null || table.weightColumn != null || table.header != null)) {
      throw new ParameterException(spec.commandLine(), "--columns, --id-column, --weight-column and --header apply to --input, not --store");
    }
    long t0 = System.nanoTime();
    if (store != null) {
      FeatureStore fs = FeatureStore.open(store);
      return new Loaded(fs.dataset(), fs, store, (System.nanoTime() - t0) / 1e9, null);
    }
    Table t = readTable(spec, table, List.of(), progress, stage);
    return new Loaded(t.data(), null, table.input, (System.nanoTime() - t0) / 1e9, t.missing());
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

  static Table readTable(CommandSpec spec, TableArgs t, List<String> defaultColumns, boolean progress, RunDir stage) throws java.io.IOException {
    if ((t.input == null) == (t.sql == null)) throw new ParameterException(spec.commandLine(), "give exactly one of --input FILE and --sql QUERY");
    // Nothing is dropped silently: the rows go to OUT/dropped.csv unless --dropped says where; both are written in the staged run
    // directory (a file outside --out directly), so that the run's commit moves them into place with the other outputs.
    TableOptions asked = t.options(defaultColumns, stage.target().resolve("dropped.csv"));
    Path to = asked.droppedRows().toAbsolutePath().normalize();
    TableOptions opts = to.startsWith(stage.target()) ? asked.withDroppedRows(stage.path().resolve(stage.target().relativize(to))) : asked;
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
    MissingValues.Report rep = read.missing();
    if (rep.droppedFile() != null) {
      // Named where it will be once the run is in place, not its staged copy.
      rep = new MissingValues.Report(rep.droppedRows(), rep.columns(), rep.missingPerColumn(), rep.fillValues(), rep.droppedLines(),
          asked.droppedRows());
      read = new Table(read.data(), rep);
    }
    if (rep.missingCells() > 0) {
      spec.commandLine().getErr().println("segment: missing values: " + rep.describe(opts.missing().strategy()));
    }
    return read;
  }
}
