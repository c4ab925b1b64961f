package io.segmenta.data;

import io.segmenta.InvalidInputException;
import java.util.Locale;

/**
 * What to do with a missing feature value: an empty cell, a marker such as {@code NA}, {@code null}
 * or {@code ?}, or a literal {@code NaN}. Infinities are always an error, and so are missing ids
 * and weights.
 *
 * @param strategy the default, {@link Strategy#FAIL}, stops at the first missing value and names
 *     its line and column
 * @param constant the fill value of {@link Strategy#CONSTANT}
 */
public record MissingValues(Strategy strategy, double constant) {
  public enum Strategy {
    /** Stop with an error naming the file, line and column. */
    FAIL,
    /** Leave the row out, and count it. */
    DROP,
    /** Fill with the column's mean over the rows that have a value. */
    MEAN,
    /** Fill with the column's exact median over the rows that have a value. */
    MEDIAN,
    /** Fill with a constant. */
    CONSTANT
  }

  public static final MissingValues FAIL = new MissingValues(Strategy.FAIL, 0);

  public MissingValues {
    if (strategy == null) strategy = Strategy.FAIL;
    if (!Double.isFinite(constant)) throw new InvalidInputException("--missing: the fill constant must be finite, got " + constant);
  }

  /** Parses {@code fail}, {@code drop}, {@code mean}, {@code median} or {@code constant:VALUE}. */
  public static MissingValues parse(String s) {
    String v = s.strip().toLowerCase(Locale.ROOT);
    if (v.startsWith("constant:")) {
      try {
        return new MissingValues(Strategy.CONSTANT, Double.parseDouble(v.substring(9)));
      } catch (NumberFormatException e) {
        throw new InvalidInputException("--missing: '" + s + "': the constant is not a number");
      }
    }
    return switch (v) {
      case "fail" -> FAIL;
      case "drop" -> new MissingValues(Strategy.DROP, 0);
      case "mean" -> new MissingValues(Strategy.MEAN, 0);
      case "median" -> new MissingValues(Strategy.MEDIAN, 0);
      default -> throw new InvalidInputException("--missing: unknown strategy '" + s + "'; expected fail, drop, mean, median or constant:VALUE");
    };
  }

  /**
   * What was done: rows dropped, and per column the cells filled and the fill value.
   *
   * @param droppedLines the line numbers of the first dropped rows (up to 10), for the message
   * @param droppedFile where every dropped row was written, or null
   */
  public record Report(long droppedRows, java.util.List<String> columns, long[] missingPerColumn, double[] fillValues,
                       java.util.List<Long> droppedLines, java.nio.file.Path droppedFile) {
    public Report {
      droppedLines = droppedLines == null ? java.util.List.of() : java.util.List.copyOf(droppedLines);
    }

    public Report(long droppedRows, java.util.List<String> columns, long[] missingPerColumn, double[] fillValues) {
      this(droppedRows, columns, missingPerColumn, fillValues, null, null);
    }

    /** The same report with other fill values. */
    public Report withFillValues(double[] fill) {
      return new Report(droppedRows, columns, missingPerColumn, fill, droppedLines, droppedFile);
    }

    public long missingCells() {
      long s = 0;
      for (long m : missingPerColumn) s += m;
      return s;
    }

    /** One line per column with missing values, for logs and the CLI. */
    public String describe(Strategy strategy) {
      StringBuilder sb = new StringBuilder();
      if (droppedRows > 0) {
        sb.append(droppedRows).append(" rows with missing values dropped");
        if (droppedFile != null) {
          sb.append(" (written to ").append(droppedFile).append(')');
        } else if (!droppedLines.isEmpty()) {
          sb.append(" (line").append(droppedRows > 1 ? "s " : " ");
          for (int i = 0; i < droppedLines.size(); i++) sb.append(i == 0 ? "" : ", ").append(droppedLines.get(i));
          sb.append(droppedRows > droppedLines.size() ? ", ...; --dropped FILE writes them all)" : ")");
        }
      }
      for (int j = 0; j < missingPerColumn.length; j++) {
        if (missingPerColumn[j] == 0) continue;
        if (sb.length() > 0) sb.append("; ");
        sb.append("column '").append(columns.get(j)).append("': ").append(missingPerColumn[j]).append(" missing");
        if (strategy != Strategy.DROP && fillValues != null) {
          sb.append(", filled with ").append(strategy.name().toLowerCase(Locale.ROOT)).append(' ').append(fillValues[j]);
        }
      }
      return sb.toString();
    }
  }
}
