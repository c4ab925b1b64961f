package io.segmenta.metrics;

/**
 * Fränti's Centroid Index: how many true clusters a solution misses. Each centroid of one set is
 * mapped to its nearest centroid in the other; a centroid that nothing maps to is an orphan. CI is
 * the larger orphan count of the two directions, 0 when the cluster-level structure is right.
 *
 * <p>P. Fränti, M. Rezaei, Q. Zhao, "Centroid index: cluster level similarity measure", Pattern
 * Recognition 47(9):3034–3045, 2014.
 */
public final class CentroidIndex {
  private CentroidIndex() {}

  /** CI between two centroid sets of the same dimension (their sizes may differ). */
  public static int of(double[][] a, double[][] b) {
    if (a.length == 0 || b.length == 0) throw new IllegalArgumentException("both centroid sets need at least one centroid");
    if (a[0].length != b[0].length) {
      throw new IllegalArgumentException("centroid dimensions differ: " + a[0].length + " vs " + b[0].length);
    }
    return Math.max(orphans(a, b), orphans(b, a));
  }

  /** Centroids of {@code to} that are nobody's nearest centroid from {@code from}. */
  static int orphans(double[][] from, double[][] to) {
    boolean[] hit = new boolean[to.length];
    for (double[] p : from) {
      int best = 0;
      double bestD = Double.POSITIVE_INFINITY;
      for (int j = 0; j < to.length; j++) {
        double dd = 0;
        for (int t = 0; t < p.length; t++) {
          double diff = p[t] - to[j][t];
          dd += diff * diff;
        }
        if (dd < bestD) {
          bestD = dd;
          best = j;
        }
      }
      hit[best] = true;
    }
    int orphans = 0;
    for (boolean h : hit) if (!h) orphans++;
    return orphans;
  }
}
