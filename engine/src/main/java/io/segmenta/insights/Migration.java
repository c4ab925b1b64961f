package io.segmenta.insights;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How customers moved between the segments of two runs: {@code counts[previous][current]}, over the
 * customers present in both; and, per current segment, whether its share of at-risk customers rose
 * against the previous run's segment of the same name (by more than one percentage point).
 */
public record Migration(List<String> previousNames, List<String> currentNames, long[][] counts, long newCustomers, boolean[] riskRising) {

  public String markdown(double[] currentRisk, Map<String, Double> previousRiskByName) {
    StringBuilder sb = new StringBuilder("\n## Migration since the previous run\n\nRows: previous segment; columns: this run's.\n\n| previous run | ");
    for (String c : currentNames) sb.append(' ').append(c).append(" |");
    sb.append("\n|---|");
    for (int j = 0; j < currentNames.size(); j++) sb.append("---:|");
    sb.append('\n');
    for (int i = 0; i < previousNames.size(); i++) {
      sb.append("| ").append(previousNames.get(i)).append(" |");
      for (long v : counts[i]) sb.append(' ').append(v).append(" |");
      sb.append('\n');
    }
    sb.append("\nCustomers new in this run: ").append(newCustomers).append(".\n\n| segment | at-risk share now | previous run | rising |\n|---|---:|---:|---|\n");
    for (int j = 0; j < currentNames.size(); j++) {
      Double prev = previousRiskByName.get(currentNames.get(j));
      sb.append(String.format(Locale.ROOT, "| %s | %.1f%% | %s | %s |%n", currentNames.get(j), 100 * currentRisk[j],
          prev == null ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * prev), riskRising[j] ? "**yes**" : "no"));
    }
    return sb.toString();
  }
}
