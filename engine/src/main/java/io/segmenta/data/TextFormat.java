package io.segmenta.data;

import java.util.Locale;

/** How fields are separated in a text table. */
public enum TextFormat {
  /** Detect from the first line: a comma means CSV, else a tab means TSV, else whitespace. */
  AUTO,
  /** Comma-separated, RFC 4180 quoting. */
  CSV,
  /** Tab-separated, RFC 4180 quoting. */
  TSV,
  /** Runs of spaces or tabs separate fields; no quoting (the UEF benchmark files). */
  WHITESPACE;

  public static TextFormat parse(String s) {
    return switch (s.strip().toLowerCase(Locale.ROOT)) {
      case "auto" -> AUTO;
      case "csv" -> CSV;
      case "tsv", "tab" -> TSV;
      case "whitespace", "ws", "space" -> WHITESPACE;
      default -> throw new io.segmenta.InvalidInputException("--format: unknown format '" + s + "': use auto, csv, tsv or whitespace");
    };
  }
}
