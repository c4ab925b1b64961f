package io.segmenta.insights;

import java.util.List;
import java.util.Locale;

/** Profiles as text: the console table, the Markdown summary and the CSV. */
public final class ProfileReport {
  private ProfileReport() {}

  /** A fixed-width table: segment, name, size, share, the medians of the first features, what sets it apart. */
  public static String table(List<SegmentProfile> profiles, List<String> columns) {
    int shown = Math.min(3, columns.size());
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%-7s %-16s %10s %6s", "segment", "name", "size", "share"));
    for (int j = 0; j < shown; j++) sb.append(String.format(Locale.ROOT, " %14s", abbreviate("median " + columns.get(j), 14)));
    sb.append("  sets it apart\n");
    for (SegmentProfile p : profiles) {
      sb.append(String.format(Locale.ROOT, "%-7d %-16s %10d %5.1f%%", p.segment(), abbreviate(p.name(), 16), p.size(), 100 * p.share()));
      for (int j = 0; j < shown; j++) sb.append(String.format(Locale.ROOT, " %14.4g", p.median()[j]));
      sb.append("  ").append(String.join(", ", p.distinguishing())).append('\n');
    }
    return sb.toString();
  }

  /** A Markdown summary: one table of sizes and names, one of medians, one of z-scores. */
  public static String markdown(List<SegmentProfile> profiles, List<String> columns) {
    StringBuilder sb = new StringBuilder("# Segments\n\n| segment | name | customers | share | sets it apart |\n|---:|---|---:|---:|---|\n");
    for (SegmentProfile p : profiles) {
      sb.append(String.format(Locale.ROOT, "| %d | %s | %d | %.1f%% | %s |%n", p.segment(), p.name(), p.size(), 100 * p.share(),
          String.join(", ", p.distinguishing())));
    }
    sb.append("\n## Medians (input units)\n\n").append(matrix(profiles, columns, Stat.MEDIAN));
    sb.append("\n## Means (input units)\n\n").append(matrix(profiles, columns, Stat.MEAN));
    sb.append("\n## z-scores of the means against the whole population\n\n").append(matrix(profiles, columns, Stat.Z));
    return sb.toString();
  }

  /** One row per segment and statistic: segment,name,size,share,statistic,<columns...>. */
  public static String csv(List<SegmentProfile> profiles, List<String> columns) {
    StringBuilder sb = new StringBuilder("segment,name,size,share,statistic");
    for (String c : columns) sb.append(',').append(io.segmenta.data.Csv.field(c));
    sb.append('\n');
    for (SegmentProfile p : profiles) {
      for (Stat s : Stat.values()) {
        sb.append(p.segment()).append(',').append(io.segmenta.data.Csv.field(p.name())).append(',').append(p.size()).append(',').append(p.share()).append(',')
            .append(s.name().toLowerCase(Locale.ROOT));
        for (double v : s.of(p)) sb.append(',').append(v);
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  private enum Stat {
    MEAN, MEDIAN, Z, PERCENTILE;

    double[] of(SegmentProfile p) {
      return switch (this) {
        case MEAN -> p.mean();
        case MEDIAN -> p.median();
        case Z -> p.z();
        case PERCENTILE -> p.percentile();
      };
    }
  }

  private static String matrix(List<SegmentProfile> profiles, List<String> columns, Stat s) {
    StringBuilder sb = new StringBuilder("| segment |");
    for (String c : columns) sb.append(' ').append(c).append(" |");
    sb.append("\n|---|");
    for (int j = 0; j < columns.size(); j++) sb.append("---:|");
    sb.append('\n');
    for (SegmentProfile p : profiles) {
      sb.append("| ").append(p.segment()).append(' ').append(p.name()).append(" |");
      for (double v : s.of(p)) sb.append(String.format(Locale.ROOT, " %.4g |", v));
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "~";
  }

}
