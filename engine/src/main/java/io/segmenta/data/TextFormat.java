package io.segmenta.data;

import java.util.Locale;

/** How fields are separated in a text table, and which decimal mark its numbers use. */
public enum TextFormat {
  /**
   * Detect from the first line: more semicolons than commas means a semicolon file (its decimal mark
   * then detected from the first rows: a comma unless they write decimal points), else a comma means
   * CSV, else a tab means TSV, else whitespace.
   */
  AUTO,
  /** Comma-separated, RFC 4180 quoting, decimal point. */
  CSV,
  /** Tab-separated, RFC 4180 quoting, decimal point. */
  TSV,
  /** Runs of spaces or tabs separate fields; no quoting (the UEF benchmark files). */
  WHITESPACE,
  /**
   * Semicolon-separated with decimal commas ({@code 1,5}): the European spreadsheet export (and R's
   * {@code write.csv2}). A number with a decimal point is refused here, since {@code 1.234} may mean
   * 1234 in such a file; {@link #SEMICOLON_POINT} reads semicolon files that write decimal points.
   */
  SEMICOLON,
  /** Semicolon-separated with decimal points. */
  SEMICOLON_POINT;

  /** The field separator byte; 0 for {@link #WHITESPACE} (and {@link #AUTO}, not yet resolved). */
  public byte separator() {
    return switch (this) {
      case CSV -> (byte) ',';
      case TSV -> (byte) '\t';
      case SEMICOLON, SEMICOLON_POINT -> (byte) ';';
      case WHITESPACE, AUTO -> 0;
    };
  }

  /** Whether numbers are written with a decimal comma. */
  public boolean decimalComma() {
    return this == SEMICOLON;
  }

  /** The name {@link #parse} reads, as the CLI's --format takes it. */
  public String optionName() {
    return switch (this) {
      case SEMICOLON_POINT -> "semicolon-point";
      default -> name().toLowerCase(Locale.ROOT);
    };
  }

  public static TextFormat parse(String s) {
    return switch (s.strip().toLowerCase(Locale.ROOT)) {
      case "auto" -> AUTO;
      case "csv" -> CSV;
      case "tsv", "tab" -> TSV;
      case "whitespace", "ws", "space" -> WHITESPACE;
      case "semicolon", "csv2", "semicolon-comma" -> SEMICOLON;
      case "semicolon-point", "semicolon-dot" -> SEMICOLON_POINT;
      default -> throw new io.segmenta.InvalidInputException("--format: unknown format '" + s
          + "': use auto, csv, tsv, whitespace, semicolon (decimal commas) or semicolon-point");
    };
  }
}
