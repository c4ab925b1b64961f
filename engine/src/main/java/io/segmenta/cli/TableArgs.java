package io.segmenta.cli;

import io.segmenta.data.MissingValues;
import io.segmenta.data.TableOptions;
import io.segmenta.data.TextFormat;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The options that say how to read a feature table; shared by every command that reads one. */
final class TableArgs {
  @Option(names = "--input", paramLabel = "FILE",
      description = "Feature table: CSV, TSV or whitespace-separated text, plain or gzipped; or Parquet (a .parquet file, "
          + "or a directory of them, read in name order).")
  Path input;

  @Option(names = "--sql", paramLabel = "QUERY",
      description = "Instead of --input, the result of a DuckDB SQL query, e.g. \"SELECT * FROM read_parquet('x/*.parquet') WHERE country = 'UK'\" "
          + "(rows in the query's order; --columns, --id-column, --weight-column and --missing apply to its columns).")
  String sql;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "auto",
      description = "auto, csv, tsv, semicolon (decimal commas: 12,50), semicolon-point (decimal points) or whitespace (default: ${DEFAULT-VALUE}: a comma in the first line means CSV, "
          + "else a tab means TSV, else whitespace).")
  String format;

  @Option(names = "--header", negatable = true,
      description = "Whether the first line holds column names (default: detected; a header has a non-numeric field). "
          + "Without one, columns are named col1, col2, ...")
  Boolean header;

  @Option(names = "--columns", split = ",", paramLabel = "COL",
      description = "Feature columns, by name or 1-based number, comma-separated (default: every column except the id and weight columns).")
  List<String> columns;

  @Option(names = "--id-column", paramLabel = "COL",
      description = "Column of customer ids, written to the outputs (default: rows are numbered from 1).")
  String idColumn;

  @Option(names = "--weight-column", paramLabel = "COL",
      description = "Column of non-negative sample weights (default: every row weighs 1).")
  String weightColumn;

  @Option(names = "--missing", paramLabel = "STRATEGY", defaultValue = "fail",
      description = "Missing feature values (empty, NA, null, ?, NaN): fail, drop (the row), mean, median or constant:VALUE "
          + "(default: ${DEFAULT-VALUE}: stop and name the line and column). What was done is reported.")
  String missing;

  @Option(names = "--dropped", paramLabel = "FILE",
      description = "Where the rows left out by --missing drop are written (line, reason, fields); default: OUT/dropped.csv for "
          + "commands with --out, DIR.dropped.csv beside the store for 'segment ingest'; written only when a row was dropped. The count is "
          + "reported on stderr and in summary.json.")
  java.nio.file.Path dropped;

  TableOptions options(List<String> defaultColumns) {
    return options(defaultColumns, null);
  }

  /** The options, the dropped rows going to --dropped or else to {@code defaultDropped} (null: counted only). */
  TableOptions options(List<String> defaultColumns, java.nio.file.Path defaultDropped) {
    List<String> cols = columns == null || columns.isEmpty() ? defaultColumns : columns;
    return new TableOptions(TextFormat.parse(format), header, cols, idColumn, weightColumn, MissingValues.parse(missing),
        dropped != null ? dropped : defaultDropped);
  }
}
