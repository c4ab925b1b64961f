package io.segmenta.kmeans;

import io.segmenta.kernels.KMeansStepResult;

/**
 * The host side of one Lloyd iteration, shared by {@link KMeans} and drivers that compute the
 * step's sums elsewhere (the Spark module combines the partitions' partial sums and then calls
 * this): the centroid update, the re-seeding of empty clusters and the tolerance rule. Keeping one
 * copy is what makes a distributed fit give the single-machine engine's numbers.
 */
public final class CentroidUpdate {
  private CentroidUpdate() {}

  /**
   * New centroids from a step's sums into {@code out}; a cluster without weight keeps its centroid
   * (never 0/0 = NaN). Returns the squared shift summed over all centroids.
   */
  public static double update(KMeansStepResult res, double[] centers, double[] out, int k, int d) {
    double shift = 0;
    for (int c = 0; c < k; c++) {
      for (int j = 0; j < d; j++) {
        int o = c * d + j;
        double v = res.weights[c] > 0 ? res.sums[o] / res.weights[c] : centers[o];
        double diff = v - centers[o];
        shift += diff * diff;
        out[o] = v;
      }
    }
    return shift;
  }

  /** Clusters that received no weight in the step (each is re-seeded by {@link #reseed}). */
  public static int emptyClusters(KMeansStepResult res) {
    int empty = 0;
    for (int c = 0; c < res.k(); c++) if (res.weights[c] <= 0) empty++;
    return empty;
  }

  /**
   * Re-seeds the empty cluster {@code c} at one row (values {@code row}, weight {@code w}, label
   * {@code oldLabel} in the step), moving that row's contribution out of its old cluster. Rows are
   * taken farthest from their centroid first (scikit-learn's rule), see {@link #fartherFirst}.
   */
  public static void reseed(KMeansStepResult res, int c, int oldLabel, float[] row, double w) {
    int d = res.d();
    for (int j = 0; j < d; j++) {
      res.sums[oldLabel * d + j] -= w * row[j];
      res.sums[c * d + j] = w * row[j];
    }
    res.weights[oldLabel] -= w;
    res.counts[oldLabel]--;
    res.weights[c] = w;
    res.counts[c] = 1;
  }

  /**
   * The order in which rows re-seed empty clusters: larger squared distance first, ties to the
   * lower row index. Negative when row a comes before row b.
   */
  public static int fartherFirst(float distA, long rowA, float distB, long rowB) {
    int cmp = Float.compare(distB, distA);
    return cmp != 0 ? cmp : Long.compare(rowA, rowB);
  }

  /**
   * The tolerance in the clustered space: {@code tol} times the mean column variance (population)
   * of the data (scikit-learn's rule); 0 stays 0 (stop only on strict convergence).
   */
  public static double scaledTolerance(double tol, double[] columnVariance) {
    if (tol == 0) return 0;
    double s = 0;
    for (double e : columnVariance) s += e;
    return tol * (s / columnVariance.length);
  }
}
