package io.segmenta.hierarchy;

import io.segmenta.InvalidInputException;
import io.segmenta.data.Dataset;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Agglomerative hierarchical clustering in O(n^2) time: the nearest-neighbour chain algorithm for
 * Ward (over stored cluster centroids, O(n d) memory), complete and average linkage (over the
 * distance matrix; their Lance-Williams updates are reducible), and a minimum spanning tree (Prim,
 * O(n) memory) for single linkage. The result is a linkage matrix in SciPy's format: row i
 * merges clusters {@code Z[i][0]} and {@code Z[i][1]} (points are 0..n-1, the cluster made by row i
 * is n + i) at height {@code Z[i][2]} into a cluster of {@code Z[i][3]} points, rows by height.
 *
 * <p>Complete and average linkage keep the condensed distance matrix, n(n-1)/2 doubles (1.6 GB at
 * 20,000 rows); every method takes O(n^2) time. Past {@link #MAX_ROWS} rows by default, cluster
 * weighted K-Means micro-clusters instead (the two-stage mode, {@link TwoStage}), which the error
 * says.
 */
public final class Hierarchical {
  /** The default limit on rows: the distance matrix then takes n(n-1)/2 x 8 bytes, 1.6 GB at 20,000. */
  public static final int MAX_ROWS = 20_000;

  private Hierarchical() {}

  public static double[][] linkage(Dataset data, Linkage method) {
    return linkage(data, method, MAX_ROWS);
  }

  public static double[][] linkage(Dataset data, Linkage method, int maxRows) {
    long nl = data.rows();
    if (nl < 2) throw new InvalidInputException("hierarchical clustering needs at least 2 rows, got " + nl);
    long matrixBytes = nl * (nl - 1) / 2 * Double.BYTES;
    if (nl > maxRows) {
      throw new InvalidInputException(nl + " rows is over the hierarchical clustering limit of " + maxRows + " rows"
          + (method == Linkage.WARD ? " (Ward takes O(n^2 d) time)" : " (its distance matrix would take "
          + String.format(java.util.Locale.ROOT, "%.1f GB", matrixBytes / 1e9) + ")")
          + "; cluster K-Means micro-clusters hierarchically instead (the two-stage mode), or raise the limit");
    }
    if (method != Linkage.WARD) {
      io.segmenta.kernels.ResourceLimitException.checkHeap("exact " + method.name().toLowerCase(java.util.Locale.ROOT)
          + " linkage of " + nl + " rows (the n(n-1)/2 distance matrix)", matrixBytes,
          "Use the two-stage mode (K-Means micro-clusters, then the hierarchy over them), or give the JVM more memory.");
    }
    int n = (int) nl, d = data.cols();
    double[] x = new double[n * d];
    float[] row = new float[d];
    for (int i = 0; i < n; i++) {
      data.matrix().copyRow(i, row, 0);
      for (int j = 0; j < d; j++) x[i * d + j] = row[j];
    }
    double[][] merges = switch (method) {
      case SINGLE -> mst(x, n, d);
      case WARD -> wardByCentroids(x, n, d, null);
      default -> nnChain(x, n, d, method, null);
    };
    return label(merges, n, null);
  }

  /** Bounds of the two-stage mode's micro-cluster count. */
  public static final int MIN_MICRO = 2;
  public static final int MAX_MICRO = 10_000;

  /**
   * The two-stage mode for large n: weighted K-Means into {@code micro} micro-clusters (1,000 to
   * 10,000 is the useful range), then the hierarchy over their centroids, each weighted by its
   * rows: Ward starts from the exact Ward cost between two groups, sqrt(2 w_a w_b / (w_a + w_b))
   * times the centroid distance, and average linkage weights by rows; complete and single linkage
   * see centroids only. A row's cluster is its micro-cluster's.
   *
   * @param microLabels each row's micro-cluster
   * @param z the linkage matrix over micro-clusters (sizes count rows)
   */
  public record TwoStage(int[] microLabels, double[][] centroids, double[] weights, double[][] z) {
    /** Each row's cluster for a cut into k clusters. */
    public int[] cut(int k) {
      int[] byMicro = Hierarchical.cut(z, k);
      int[] out = new int[microLabels.length];
      for (int i = 0; i < out.length; i++) out[i] = byMicro[microLabels[i]];
      return out;
    }

    /** Each row's cluster for a cut at a height. */
    public int[] cutAt(double height) {
      int[] byMicro = Hierarchical.cutAt(z, height);
      int[] out = new int[microLabels.length];
      for (int i = 0; i < out.length; i++) out[i] = byMicro[microLabels[i]];
      return out;
    }
  }

  /** The second stage of {@link TwoStage}: the hierarchy over weighted centroids. */
  public static double[][] linkageWeighted(double[][] centroids, double[] weights, Linkage method) {
    int n = centroids.length, d = centroids[0].length;
    if (n < 2) throw new InvalidInputException("hierarchical clustering needs at least 2 micro-clusters, got " + n);
    double[] x = new double[n * d];
    for (int i = 0; i < n; i++) System.arraycopy(centroids[i], 0, x, i * d, d);
    double[][] merges = switch (method) {
      case SINGLE -> mst(x, n, d);
      case WARD -> wardByCentroids(x, n, d, weights);
      default -> nnChain(x, n, d, method, weights);
    };
    return label(merges, n, weights);
  }

  /** Condensed index of the pair (i, j), i != j: SciPy's squareform order. */
  private static long idx(int n, int i, int j) {
    if (i > j) {
      int t = i;
      i = j;
      j = t;
    }
    return (long) n * i - (long) i * (i + 1) / 2 + (j - i - 1);
  }

  private static double[] distances(double[] x, int n, int d) {
    double[] dist = new double[Math.toIntExact((long) n * (n - 1) / 2)];
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double s = 0;
        for (int t = 0; t < d; t++) {
          double diff = x[i * d + t] - x[j * d + t];
          s += diff * diff;
        }
        dist[(int) idx(n, i, j)] = Math.sqrt(s);
      }
    }
    return dist;
  }

  /** Merges (a, b, height) in the order found, a and b being representative point indices. */
  private static double[][] nnChain(double[] x, int n, int d, Linkage method, double[] weights) {
    double[] dist = distances(x, n, d);
    double[] size = new double[n];
    Arrays.fill(size, 1);
    if (weights != null) {
      System.arraycopy(weights, 0, size, 0, n);
      if (method == Linkage.WARD) {
        // Ward's distance between groups of w_a and w_b rows: sqrt(2 w_a w_b / (w_a + w_b)) ||c_a - c_b||.
        for (int i = 0; i < n; i++) {
          for (int j = i + 1; j < n; j++) dist[(int) idx(n, i, j)] *= Math.sqrt(2 * size[i] * size[j] / (size[i] + size[j]));
        }
      }
    }
    boolean[] active = new boolean[n];
    Arrays.fill(active, true);
    int[] chain = new int[n];
    int chainLen = 0;
    double[][] out = new double[n - 1][];
    for (int m = 0; m < n - 1; m++) {
      if (chainLen == 0) {
        for (int i = 0; i < n; i++) {
          if (active[i]) {
            chain[chainLen++] = i;
            break;
          }
        }
      }
      int a, b;
      while (true) {
        a = chain[chainLen - 1];
        int prev = chainLen >= 2 ? chain[chainLen - 2] : -1;
        double best = Double.POSITIVE_INFINITY;
        int nb = -1;
        if (prev >= 0) {
          best = dist[(int) idx(n, a, prev)];
          nb = prev; // prefer the previous element on ties: the chain then ends
        }
        // Row a of the condensed matrix: columns i < a step by n - i - 2, columns i > a are contiguous.
        int p = a - 1; // idx(n, 0, a) = a - 1
        for (int i = 0; i < a; i++) {
          if (active[i] && dist[p] < best) {
            best = dist[p];
            nb = i;
          }
          p += n - i - 2;
        }
        int q = (int) idx(n, a, a + 1 < n ? a + 1 : a);
        for (int i = a + 1; i < n; i++, q++) {
          if (active[i] && dist[q] < best) {
            best = dist[q];
            nb = i;
          }
        }
        b = nb;
        if (b == prev) break;
        chain[chainLen++] = b;
      }
      chainLen -= 2;
      double h = dist[(int) idx(n, a, b)];
      int keep = Math.min(a, b), gone = Math.max(a, b);
      out[m] = new double[] {a, b, h};
      double sa = size[a], sb = size[b];
      for (int i = 0; i < n; i++) {
        if (!active[i] || i == a || i == b) continue;
        double da = dist[(int) idx(n, i, a)], db = dist[(int) idx(n, i, b)];
        double nd = switch (method) {
          case COMPLETE -> Math.max(da, db);
          case AVERAGE -> (sa * da + sb * db) / (sa + sb);
          case WARD -> {
            double si = size[i];
            double t = si + sa + sb;
            yield Math.sqrt(((si + sa) * da * da + (si + sb) * db * db - si * h * h) / t);
          }
          case SINGLE -> Math.min(da, db);
        };
        dist[(int) idx(n, i, keep)] = nd;
      }
      active[gone] = false;
      size[keep] = sa + sb;
    }
    return out;
  }

  /**
   * Ward's linkage by the NN-chain over stored cluster centroids instead of a distance matrix (as
   * fastcluster's {@code linkage_vector}): the Ward distance of clusters a and b is
   * {@code sqrt(2 s_a s_b / (s_a + s_b)) ||c_a - c_b||}, the value SciPy's Lance-Williams update
   * reaches from Euclidean distances. Memory is O(n d); each nearest-neighbour search scans the
   * active centroids column by column (contiguous arrays the JIT vectorises), O(n^2 d) in all.
   */
  private static double[][] wardByCentroids(double[] x, int n, int d, double[] weights) {
    // Active clusters live in slots 0..live-1 (swap-removal keeps them contiguous); id[] maps a slot to its representative row.
    double[][] col = new double[d][n];
    double[] size = new double[n];
    int[] id = new int[n];
    int[] slotOf = new int[n];
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < d; t++) col[t][i] = x[i * d + t];
      size[i] = weights == null ? 1 : weights[i];
      id[i] = i;
      slotOf[i] = i;
    }
    int live = n;
    double[] dist = new double[n];
    int[] chain = new int[n]; // representative rows
    int chainLen = 0;
    double[][] out = new double[n - 1][];
    for (int m = 0; m < n - 1; m++) {
      if (chainLen == 0) chain[chainLen++] = id[0];
      int a, b;
      double best;
      while (true) {
        a = chain[chainLen - 1];
        int prev = chainLen >= 2 ? chain[chainLen - 2] : -1;
        int sa = slotOf[a];
        java.util.Arrays.fill(dist, 0, live, 0);
        for (int t = 0; t < d; t++) {
          double[] ct = col[t];
          double v = ct[sa];
          for (int j = 0; j < live; j++) {
            double diff = ct[j] - v;
            dist[j] += diff * diff;
          }
        }
        double wa = size[sa];
        best = Double.POSITIVE_INFINITY;
        int nb = -1;
        if (prev >= 0) {
          int sp = slotOf[prev];
          best = 2 * wa * size[sp] / (wa + size[sp]) * dist[sp];
          nb = prev; // prefer the previous element on ties: the chain then ends
        }
        for (int j = 0; j < live; j++) {
          if (j == sa) continue;
          double dj = 2 * wa * size[j] / (wa + size[j]) * dist[j];
          if (dj < best) {
            best = dj;
            nb = id[j];
          }
        }
        b = nb;
        if (b == prev) break;
        chain[chainLen++] = b;
      }
      chainLen -= 2;
      out[m] = new double[] {a, b, Math.sqrt(best)};
      int keep = Math.min(a, b), gone = Math.max(a, b);
      int sk = slotOf[keep], sg = slotOf[gone];
      double s = size[sk] + size[sg];
      for (int t = 0; t < d; t++) col[t][sk] = (size[sk] * col[t][sk] + size[sg] * col[t][sg]) / s;
      size[sk] = s;
      // Swap-remove the gone cluster's slot.
      int last = live - 1;
      if (sg != last) {
        for (int t = 0; t < d; t++) col[t][sg] = col[t][last];
        size[sg] = size[last];
        id[sg] = id[last];
        slotOf[id[sg]] = sg;
      }
      live--;
    }
    return out;
  }

  /** Single linkage: Prim's minimum spanning tree on the full distances, O(n^2) time, O(n) memory. */
  private static double[][] mst(double[] x, int n, int d) {
    boolean[] in = new boolean[n];
    double[] best = new double[n];
    int[] from = new int[n];
    Arrays.fill(best, Double.POSITIVE_INFINITY);
    int cur = 0;
    in[0] = true;
    double[][] out = new double[n - 1][];
    for (int m = 0; m < n - 1; m++) {
      int next = -1;
      double nextD = Double.POSITIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        if (in[i]) continue;
        double s = 0;
        for (int t = 0; t < d; t++) {
          double diff = x[i * d + t] - x[cur * d + t];
          s += diff * diff;
        }
        s = Math.sqrt(s);
        if (s < best[i]) {
          best[i] = s;
          from[i] = cur;
        }
        if (best[i] < nextD) {
          nextD = best[i];
          next = i;
        }
      }
      out[m] = new double[] {from[next], next, nextD};
      in[next] = true;
      cur = next;
    }
    return out;
  }

  /** Sorts merges by height (stably) and names clusters as SciPy does, with union-find. */
  private static double[][] label(double[][] merges, int n, double[] weights) {
    Integer[] order = new Integer[merges.length];
    for (int i = 0; i < order.length; i++) order[i] = i;
    Arrays.sort(order, Comparator.comparingDouble(i -> merges[i][2]));
    int[] parent = new int[2 * n - 1];
    int[] clusterOf = new int[2 * n - 1]; // root -> cluster id
    double[] size = new double[2 * n - 1];
    for (int i = 0; i < parent.length; i++) {
      parent[i] = i;
      clusterOf[i] = i;
      size[i] = weights != null && i < n ? weights[i] : 1;
    }
    double[][] z = new double[merges.length][];
    for (int r = 0; r < order.length; r++) {
      double[] m = merges[order[r]];
      int ra = find(parent, (int) m[0]), rb = find(parent, (int) m[1]);
      int ca = clusterOf[ra], cb = clusterOf[rb];
      double s = size[ra] + size[rb];
      parent[rb] = ra;
      size[ra] = s;
      clusterOf[ra] = n + r;
      z[r] = new double[] {Math.min(ca, cb), Math.max(ca, cb), m[2], s};
    }
    return z;
  }

  private static int find(int[] p, int i) {
    while (p[i] != i) {
      p[i] = p[p[i]];
      i = p[i];
    }
    return i;
  }

  /** Labels 0..k-1 for a cut into {@code k} clusters (SciPy's fcluster maxclust, up to numbering). */
  public static int[] cut(double[][] z, int k) {
    int n = z.length + 1;
    if (k < 1 || k > n) throw new InvalidInputException("k must be in 1.." + n + ", got " + k);
    return labels(z, n, n - k);
  }

  /** Labels for a cut at {@code height}: merges at or below it are kept. */
  public static int[] cutAt(double[][] z, double height) {
    int merges = 0;
    while (merges < z.length && z[merges][2] <= height) merges++;
    return labels(z, z.length + 1, merges);
  }

  private static int[] labels(double[][] z, int n, int merges) {
    int[] parent = new int[2 * n - 1];
    for (int i = 0; i < parent.length; i++) parent[i] = i;
    for (int r = 0; r < merges; r++) {
      parent[(int) z[r][0]] = n + r;
      parent[(int) z[r][1]] = n + r;
    }
    int[] out = new int[n];
    int[] id = new int[2 * n - 1];
    Arrays.fill(id, -1);
    int next = 0;
    for (int i = 0; i < n; i++) {
      int r = i;
      while (parent[r] != r) r = parent[r];
      if (id[r] < 0) id[r] = next++;
      out[i] = id[r];
    }
    return out;
  }
}
