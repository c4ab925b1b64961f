package io.segmenta.data;

import java.util.List;
import java.util.Objects;

/**
 * How to read a feature table into a {@link Dataset}.
 *
 * @param format field separation; default {@link TextFormat#AUTO}
 * @param header whether the first line holds column names: {@code null} (the default) detects it,
 *     a first line with any non-numeric field being a header
 * @param columns the feature columns, by name or by 1-based number; empty (the default) means every
 *     column except the id and weight columns
 * @param idColumn the column holding customer ids, or {@code null} (the default) to number rows
 *     from 1
 * @param weightColumn the column holding sample weights, or {@code null} (the default) for unit
 *     weights
 * @param missing what to do with missing feature values; default {@link MissingValues#FAIL}
 * @param droppedRows where the rows left out by {@link MissingValues.Strategy#DROP} are written (line,
 *     reason, fields), or {@code null} (the default) to count them and name the first lines only
 */
public record TableOptions(TextFormat format, Boolean header, List<String> columns, String idColumn, String weightColumn,
                           MissingValues missing, java.nio.file.Path droppedRows) {

  /** Auto format, detected header, all columns, no ids, no weights, missing values an error. */
  public static final TableOptions DEFAULTS = new TableOptions(TextFormat.AUTO, null, List.of(), null, null, MissingValues.FAIL);

  public TableOptions(TextFormat format, Boolean header, List<String> columns, String idColumn, String weightColumn, MissingValues missing) {
    this(format, header, columns, idColumn, weightColumn, missing, null);
  }

  public TableOptions(TextFormat format, Boolean header, List<String> columns, String idColumn, String weightColumn) {
    this(format, header, columns, idColumn, weightColumn, MissingValues.FAIL, null);
  }

  public TableOptions {
    Objects.requireNonNull(format, "format");
    columns = columns == null ? List.of() : List.copyOf(columns);
    for (String c : columns) {
      if (c.isBlank()) throw new io.segmenta.InvalidInputException("--columns: a column name is blank (two commas in a row, or one at an end?)");
    }
    if (idColumn != null && idColumn.isBlank()) idColumn = null;
    if (weightColumn != null && weightColumn.isBlank()) weightColumn = null;
    if (missing == null) missing = MissingValues.FAIL;
  }

  public TableOptions withFormat(TextFormat v) { return new TableOptions(v, header, columns, idColumn, weightColumn, missing, droppedRows); }

  public TableOptions withHeader(Boolean v) { return new TableOptions(format, v, columns, idColumn, weightColumn, missing, droppedRows); }

  public TableOptions withColumns(List<String> v) { return new TableOptions(format, header, v, idColumn, weightColumn, missing, droppedRows); }

  public TableOptions withIdColumn(String v) { return new TableOptions(format, header, columns, v, weightColumn, missing, droppedRows); }

  public TableOptions withMissing(MissingValues v) { return new TableOptions(format, header, columns, idColumn, weightColumn, v, droppedRows); }

  public TableOptions withWeightColumn(String v) { return new TableOptions(format, header, columns, idColumn, v, missing, droppedRows); }

  public TableOptions withDroppedRows(java.nio.file.Path v) { return new TableOptions(format, header, columns, idColumn, weightColumn, missing, v); }
}
