package io.segmenta.insights;

import io.segmenta.data.Dataset;
import java.util.ArrayList;
import java.util.List;

/**
 * At-risk customers: those whose recency exceeds {@code multiple} times their typical gap between
 * purchases. The typical gap is the customer's own mean inter-purchase time when they bought at
 * least twice, and their segment's median of it otherwise (one purchase says nothing about a rhythm).
 * Needs the {@code recency_days}, {@code frequency} and {@code mean_interpurchase_days} columns of
 * {@code segment rfm}.
 */
public final class EarlyWarning {
  private EarlyWarning() {}

  /** One customer past their rhythm. */
  public record AtRisk(String id, int segment, double recencyDays, double gapDays, boolean ownGap, double ratio) {}

  /** The customers at risk and each segment's share of them. */
  public record Result(List<AtRisk> customers, double[] shareBySegment, double multiple) {}

  public static boolean applies(List<String> columns) {
    return columns.contains("recency_days") && columns.contains("frequency") && columns.contains("mean_interpurchase_days");
  }

  public static Result of(Dataset data, int[] labels, List<SegmentProfile> profiles, double multiple) {
    if (!(multiple > 0)) throw new io.segmenta.InvalidInputException("--risk-multiple must be > 0, got " + multiple);
    List<String> cols = data.columns();
    int rec = cols.indexOf("recency_days"), freq = cols.indexOf("frequency"), gap = cols.indexOf("mean_interpurchase_days");
    int k = profiles.size();
    double[] segGap = new double[k];
    long[] size = new long[k], risk = new long[k];
    for (SegmentProfile p : profiles) {
      segGap[p.segment()] = p.median()[gap];
      size[p.segment()] = p.size();
    }
    List<AtRisk> out = new ArrayList<>();
    float[] row = new float[cols.size()];
    for (long i = 0; i < data.rows(); i++) {
      data.matrix().copyRow(i, row, 0);
      int s = labels[(int) i];
      boolean own = row[freq] >= 2;
      double g = own ? row[gap] : segGap[s];
      if (!(g > 0)) continue; // no rhythm to miss
      double ratio = row[rec] / g;
      if (ratio > multiple) {
        risk[s]++;
        out.add(new AtRisk(data.id(i), s, row[rec], g, own, ratio));
      }
    }
    double[] share = new double[k];
    for (int s = 0; s < k; s++) share[s] = size[s] == 0 ? 0 : (double) risk[s] / size[s];
    return new Result(out, share, multiple);
  }

  public static String csv(Result r, List<SegmentProfile> profiles) {
    StringBuilder sb = new StringBuilder("id,segment,name,recency_days,typical_gap_days,gap_basis,ratio\n");
    for (AtRisk a : r.customers()) {
      sb.append(a.id()).append(',').append(a.segment()).append(',').append(profiles.get(a.segment()).name()).append(',').append(a.recencyDays())
          .append(',').append(a.gapDays()).append(',').append(a.ownGap() ? "own" : "segment median").append(',').append(a.ratio()).append('\n');
    }
    return sb.toString();
  }
}
