package io.segmenta.density;

import io.segmenta.InvalidInputException;
import io.segmenta.data.Dataset;
import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;
import io.segmenta.preprocess.FeatureScaling;
import java.util.Arrays;
import java.util.List;

/**
 * What a DBSCAN run keeps for new rows: its core points (in the scaled space) with their clusters,
 * eps and the scaling. A new row joins the cluster of its nearest core point when that point is
 * within eps, and is noise (-1) otherwise: the rule by which DBSCAN itself labels border points
 * (as hdbscan's approximate_predict does for its own model).
 *
 * @param core row-major {@code coreCount x d} core points, scaled
 * @param coreLabels the cluster of each core point
 */
public record DbscanModel(List<String> columns, FeatureScaling scaling, double eps, int minPts, int clusters, float[] core,
                          int[] coreLabels) {

  public DbscanModel {
    columns = List.copyOf(columns);
    if (core.length != coreLabels.length * columns.size()) {
      throw new IllegalArgumentException(coreLabels.length + " core labels for " + core.length + " values of " + columns.size() + " columns");
    }
    core = core.clone();
    coreLabels = coreLabels.clone();
  }

  /** The model of a fit: the core points of {@code scaled} (the data the fit saw). */
  public static DbscanModel of(List<String> columns, FeatureScaling scaling, Dataset scaled, Dbscan.Result r, double eps, int minPts) {
    int d = scaled.cols();
    int m = 0;
    for (boolean c : r.core()) if (c) m++;
    float[] core = new float[m * d];
    int[] labels = new int[m];
    for (int i = 0, o = 0; i < r.core().length; i++) {
      if (!r.core()[i]) continue;
      scaled.matrix().copyRow(i, core, o * d);
      labels[o++] = r.labels()[i];
    }
    return new DbscanModel(columns, scaling, eps, minPts, r.clusters(), core, labels);
  }

  public int d() { return columns.size(); }

  @Override public float[] core() { return core.clone(); }

  @Override public int[] coreLabels() { return coreLabels.clone(); }

  /**
   * The cluster of each row of {@code scaled} (already through the model's scaling): its nearest core
   * point's within eps, else -1. Distances from the backend's pairwise kernel, in tiles.
   */
  public int[] predict(ComputeBackend backend, Dataset scaled) {
    if (scaled.cols() != d()) throw new InvalidInputException("the data has " + scaled.cols() + " columns, the model was fitted on " + d());
    int n = Math.toIntExact(scaled.rows()), d = d(), m = coreLabels.length;
    int[] out = new int[n];
    Arrays.fill(out, -1);
    if (m == 0) return out;
    float[] best = new float[n];
    Arrays.fill(best, Float.POSITIVE_INFINITY);
    double eps2 = eps * eps;
    int cols = Math.min(m, 4096);
    int rows = Math.max(1, Math.min(n, (1 << 22) / cols));
    float[] buf = new float[rows * cols];
    double[] centres = new double[cols * d];
    try (DeviceMatrix dm = backend.upload(scaled.matrix(), null)) {
      for (int c0 = 0; c0 < m; c0 += cols) {
        int mc = Math.min(cols, m - c0);
        for (int q = 0; q < mc * d; q++) centres[q] = core[c0 * d + q];
        double[] cs = mc == cols ? centres : Arrays.copyOf(centres, mc * d);
        for (int r0 = 0; r0 < n; r0 += rows) {
          int cnt = Math.min(rows, n - r0);
          backend.pairwiseSquaredDistances(dm, r0, cnt, cs, mc, buf);
          for (int i = 0; i < cnt; i++) {
            for (int q = 0; q < mc; q++) {
              float v = buf[i * mc + q];
              if (v < best[r0 + i]) {
                best[r0 + i] = v;
                out[r0 + i] = v <= eps2 ? coreLabels[c0 + q] : -1;
              }
            }
          }
        }
      }
    }
    return out;
  }
}
