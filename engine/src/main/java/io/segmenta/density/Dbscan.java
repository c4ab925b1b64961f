package io.segmenta.density;

import io.segmenta.InvalidInputException;
import io.segmenta.data.Dataset;
import java.util.Arrays;

/**
 * DBSCAN (Ester et al. 1996) with scikit-learn's conventions: a point is a core point when at least
 * {@code minPts} points (itself included) lie within {@code eps} (distance at most eps); clusters
 * grow from core points in index order; a border point joins the first cluster that reaches it;
 * noise is -1. Neighbourhoods are queried from a spatial index (a grid of eps-sized cells for
 * d <= 3, a k-d tree above) and never stored: memory is O(n).
 */
public final class Dbscan {
  private Dbscan() {}

  /** Labels (0.. for clusters, -1 for noise) and which points are core points. */
  public record Result(int[] labels, boolean[] core, int clusters) {}

  public static Result fit(Dataset data, double eps, int minPts) {
    if (!(eps > 0) || Double.isInfinite(eps)) throw new InvalidInputException("eps must be finite and > 0, got " + eps);
    if (minPts < 1) throw new InvalidInputException("minPts must be >= 1, got " + minPts);
    int n = Math.toIntExact(data.rows()), d = data.cols();
    double[] x = new double[n * d];
    float[] row = new float[d];
    for (int i = 0; i < n; i++) {
      data.matrix().copyRow(i, row, 0);
      for (int j = 0; j < d; j++) x[i * d + j] = row[j];
    }
    SpatialIndex index = d <= 3 ? new Grid(x, n, d, eps) : new KdTree(x, n, d);
    boolean[] core = new boolean[n];
    int[] count = new int[1];
    for (int i = 0; i < n; i++) {
      count[0] = 0;
      index.within(i, eps, j -> count[0]++);
      core[i] = count[0] >= minPts;
    }
    int[] labels = new int[n];
    Arrays.fill(labels, -1);
    int[] stack = new int[n];
    int[] top = new int[1];
    int clusters = 0;
    for (int i = 0; i < n; i++) {
      if (!core[i] || labels[i] != -1) continue;
      int c = clusters++;
      labels[i] = c;
      top[0] = 0;
      stack[top[0]++] = i;
      while (top[0] > 0) {
        int p = stack[--top[0]];
        index.within(p, eps, j -> {
          if (labels[j] == -1) {
            labels[j] = c;
            if (core[j]) stack[top[0]++] = j; // each point is labelled, hence pushed, once
          }
        });
      }
    }
    return new Result(labels, core, clusters);
  }
}
