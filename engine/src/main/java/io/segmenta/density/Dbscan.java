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

  /** From this many columns up, the facade counts neighbours with the backend's pairwise kernel. */
  public static final int PAIRWISE_FROM_D = 16;

  /**
   * DBSCAN for high dimensions, where space-partitioning indexes degrade to a scan: every
   * neighbourhood comes from the backend's pairwise-distance kernel in tiles (on the GPU when it
   * is the active backend), in two passes of O(n^2 d) work and O(n) memory. Pass 1 counts
   * neighbours (core points); pass 2 unites core points within eps (union-find) and gives each
   * border point the lowest-numbered cluster among its core neighbours. Clusters are numbered by
   * their lowest core row: the same labels as the expansion in {@link #fit}, and as scikit-learn.
   * Distances are the kernel's float32 ones, so a pair within float32 rounding of eps may differ
   * from a float64 check.
   */
  public static Result fitPairwise(io.segmenta.kernels.ComputeBackend backend, Dataset data, double eps, int minPts) {
    if (!(eps > 0) || Double.isInfinite(eps)) throw new InvalidInputException("eps must be finite and > 0, got " + eps);
    if (minPts < 1) throw new InvalidInputException("minPts must be >= 1, got " + minPts);
    int n = Math.toIntExact(data.rows()), d = data.cols();
    double eps2 = eps * eps;
    double[] all = new double[(long) n * d > Integer.MAX_VALUE ? 0 : n * d];
    if (all.length != n * d) throw new InvalidInputException(n + " x " + d + " values are too many for pairwise DBSCAN in one array");
    float[] row = new float[d];
    for (int i = 0; i < n; i++) {
      data.matrix().copyRow(i, row, 0);
      for (int j = 0; j < d; j++) all[i * d + j] = row[j];
    }
    // Tiles of rows x centre blocks of at most 2^22 distances (16 MB of float32).
    int cols = Math.min(n, 1 << 16);
    float[] buf = new float[(int) Math.min(1L << 22, (long) n * cols)];
    int[] count = new int[n];
    boolean[] core = new boolean[n];
    int[] parent = new int[n];
    for (int i = 0; i < n; i++) parent[i] = i;
    try (io.segmenta.kernels.DeviceMatrix dm = backend.upload(data.matrix(), null)) {
      // Pass 1: neighbour counts. Rows come in tiles against column blocks of the data as centres.
      forPairs(backend, dm, all, n, d, cols, buf, eps2, (a, b) -> count[a]++);
      for (int i = 0; i < n; i++) core[i] = count[i] >= minPts;
      // Pass 2: unite core points within eps.
      forPairs(backend, dm, all, n, d, cols, buf, eps2, (a, b) -> {
        if (core[a] && core[b]) union(parent, a, b);
      });
      // Clusters numbered by their lowest core row.
      int[] clusterOfRoot = new int[n];
      java.util.Arrays.fill(clusterOfRoot, -1);
      int[] labels = new int[n];
      java.util.Arrays.fill(labels, -1);
      int clusters = 0;
      for (int i = 0; i < n; i++) {
        if (!core[i]) continue;
        int r = find(parent, i);
        if (clusterOfRoot[r] < 0) clusterOfRoot[r] = clusters++;
        labels[i] = clusterOfRoot[r];
      }
      // Border points: the lowest cluster among their core neighbours.
      forPairs(backend, dm, all, n, d, cols, buf, eps2, (a, b) -> {
        if (!core[a] && core[b]) {
          int c = labels[b];
          if (labels[a] < 0 || c < labels[a]) labels[a] = c;
        }
      });
      return new Result(labels, core, clusters);
    }
  }

  private interface PairSink {
    void accept(int row, int other);
  }

  /** Calls {@code sink(a, b)} for every ordered pair (a, b), a itself included, with squared distance <= eps2. */
  private static void forPairs(io.segmenta.kernels.ComputeBackend backend, io.segmenta.kernels.DeviceMatrix dm, double[] all, int n, int d,
                               int cols, float[] buf, double eps2, PairSink sink) {
    double[] centres = new double[cols * d];
    for (int c0 = 0; c0 < n; c0 += cols) {
      int m = Math.min(cols, n - c0);
      System.arraycopy(all, c0 * d, centres, 0, m * d);
      double[] cs = m == cols ? centres : java.util.Arrays.copyOf(centres, m * d);
      int rowsPerTile = Math.max(1, Math.min(n, (1 << 22) / m));
      for (int r0 = 0; r0 < n; r0 += rowsPerTile) {
        int cnt = Math.min(rowsPerTile, n - r0);
        float[] out = buf;
        backend.pairwiseSquaredDistances(dm, r0, cnt, cs, m, out);
        for (int i = 0; i < cnt; i++) {
          for (int q = 0; q < m; q++) if (out[i * m + q] <= eps2) sink.accept(r0 + i, c0 + q);
        }
      }
    }
  }

  private static int find(int[] p, int i) {
    while (p[i] != i) {
      p[i] = p[p[i]];
      i = p[i];
    }
    return i;
  }

  private static void union(int[] p, int a, int b) {
    int ra = find(p, a), rb = find(p, b);
    if (ra != rb) p[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}
