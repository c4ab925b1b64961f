package io.segmenta.metrics;

import io.segmenta.InvalidInputException;
import io.segmenta.data.Dataset;
import io.segmenta.kernels.HostMatrix;
import java.util.HashMap;
import java.util.Map;

/**
 * Internal and external scores of a labelling, as scikit-learn defines them, in float64 over
 * streamed rows (two passes, O(k d) memory): Calinski-Harabasz, Davies-Bouldin and normalized mutual
 * information (arithmetic-mean normalization, scikit-learn's default). The silhouette, which needs
 * all pairwise distances, is {@link Silhouette}.
 */
public final class ClusterScores {
  private static final int BLOCK = 1 << 14;

  private ClusterScores() {}

  /** Between-cluster dispersion over within-cluster dispersion, each per degree of freedom; higher is better. */
  public static double calinskiHarabasz(Dataset data, int[] labels) {
    Centroids c = centroids(data, labels);
    long n = data.rows();
    int d = data.cols(), k = c.used;
    if (k < 2 || k >= n) throw new InvalidInputException("Calinski-Harabasz needs 2 <= clusters < n, got " + k + " clusters for " + n + " rows");
    double between = 0;
    for (int s = 0; s < c.size.length; s++) {
      if (c.size[s] == 0) continue;
      double dd = 0;
      for (int j = 0; j < d; j++) dd += Math.pow(c.mean[s][j] - c.all[j], 2);
      between += c.size[s] * dd;
    }
    double within = withinSquares(data, labels, c);
    return within == 0 ? 1.0 : between * (n - k) / (within * (k - 1));
  }

  /** The mean over clusters of the worst ratio (s_i + s_j) / d(c_i, c_j); lower is better. */
  public static double daviesBouldin(Dataset data, int[] labels) {
    Centroids c = centroids(data, labels);
    int k = c.size.length, d = data.cols();
    if (c.used < 2) throw new InvalidInputException("Davies-Bouldin needs at least 2 clusters");
    double[] scatter = new double[k];
    HostMatrix x = data.matrix();
    float[] buf = new float[BLOCK * d];
    for (long r0 = 0; r0 < data.rows(); r0 += BLOCK) {
      int rows = (int) Math.min(BLOCK, data.rows() - r0);
      x.copyRows(r0, rows, buf, 0);
      for (int i = 0; i < rows; i++) {
        int s = labels[(int) (r0 + i)];
        double dd = 0;
        for (int j = 0; j < d; j++) dd += Math.pow(buf[i * d + j] - c.mean[s][j], 2);
        scatter[s] += Math.sqrt(dd);
      }
    }
    for (int s = 0; s < k; s++) if (c.size[s] > 0) scatter[s] /= c.size[s];
    double total = 0;
    for (int a = 0; a < k; a++) {
      if (c.size[a] == 0) continue;
      double worst = 0;
      for (int b = 0; b < k; b++) {
        if (b == a || c.size[b] == 0) continue;
        double dist = 0;
        for (int j = 0; j < d; j++) dist += Math.pow(c.mean[a][j] - c.mean[b][j], 2);
        dist = Math.sqrt(dist);
        double r = dist == 0 ? 0 : (scatter[a] + scatter[b]) / dist;
        worst = Math.max(worst, r);
      }
      total += worst;
    }
    return total / c.used;
  }

  /** Mutual information normalized by the arithmetic mean of the two entropies; 1 for identical partitions. */
  public static double nmi(int[] a, int[] b) {
    if (a.length != b.length) throw new InvalidInputException("labelings differ in length: " + a.length + " vs " + b.length);
    int n = a.length;
    Map<Long, long[]> joint = new HashMap<>();
    Map<Integer, long[]> ca = new HashMap<>(), cb = new HashMap<>();
    for (int i = 0; i < n; i++) {
      joint.computeIfAbsent(((long) a[i] << 32) | (b[i] & 0xFFFFFFFFL), x -> new long[1])[0]++;
      ca.computeIfAbsent(a[i], x -> new long[1])[0]++;
      cb.computeIfAbsent(b[i], x -> new long[1])[0]++;
    }
    if (ca.size() == 1 && cb.size() == 1) return 1.0; // both trivial, as scikit-learn
    double mi = 0;
    for (Map.Entry<Long, long[]> e : joint.entrySet()) {
      double pij = (double) e.getValue()[0] / n;
      double pi = (double) ca.get((int) (e.getKey() >> 32))[0] / n;
      double pj = (double) cb.get((int) (long) e.getKey())[0] / n;
      mi += pij * Math.log(pij / (pi * pj));
    }
    double ha = entropy(ca, n), hb = entropy(cb, n);
    double norm = (ha + hb) / 2;
    return norm == 0 ? 1.0 : Math.max(0, mi) / norm;
  }

  private static double entropy(Map<Integer, long[]> counts, int n) {
    double h = 0;
    for (long[] c : counts.values()) {
      double p = (double) c[0] / n;
      h -= p * Math.log(p);
    }
    return h;
  }

  private record Centroids(double[][] mean, long[] size, double[] all, int used) {}

  private static Centroids centroids(Dataset data, int[] labels) {
    long n = data.rows();
    int d = data.cols();
    if (labels.length != n) throw new InvalidInputException(labels.length + " labels for " + n + " rows");
    int k = 0;
    for (int l : labels) {
      if (l < 0) throw new InvalidInputException("label " + l + " is negative");
      k = Math.max(k, l + 1);
    }
    double[][] sum = new double[k][d];
    long[] size = new long[k];
    double[] all = new double[d];
    HostMatrix x = data.matrix();
    float[] buf = new float[BLOCK * d];
    for (long r0 = 0; r0 < n; r0 += BLOCK) {
      int rows = (int) Math.min(BLOCK, n - r0);
      x.copyRows(r0, rows, buf, 0);
      for (int i = 0; i < rows; i++) {
        int s = labels[(int) (r0 + i)];
        size[s]++;
        for (int j = 0; j < d; j++) {
          sum[s][j] += buf[i * d + j];
          all[j] += buf[i * d + j];
        }
      }
    }
    int used = 0;
    for (int s = 0; s < k; s++) {
      if (size[s] > 0) used++;
      for (int j = 0; j < d; j++) sum[s][j] = size[s] == 0 ? 0 : sum[s][j] / size[s];
    }
    for (int j = 0; j < d; j++) all[j] /= n;
    return new Centroids(sum, size, all, used);
  }

  private static double withinSquares(Dataset data, int[] labels, Centroids c) {
    int d = data.cols();
    double w = 0;
    float[] buf = new float[BLOCK * d];
    for (long r0 = 0; r0 < data.rows(); r0 += BLOCK) {
      int rows = (int) Math.min(BLOCK, data.rows() - r0);
      data.matrix().copyRows(r0, rows, buf, 0);
      for (int i = 0; i < rows; i++) {
        int s = labels[(int) (r0 + i)];
        for (int j = 0; j < d; j++) w += Math.pow(buf[i * d + j] - c.mean[s][j], 2);
      }
    }
    return w;
  }

  /** Sum over rows of the squared distance to their segment's mean, in float64. */
  public static double inertia(Dataset x, int[] labels, int k) {
    int d = x.cols();
    int n = labels.length;
    double[] sum = new double[k * d];
    double[] cnt = new double[k];
    float[] row = new float[d];
    for (int i = 0; i < n; i++) {
      x.matrix().copyRow(i, row, 0);
      cnt[labels[i]]++;
      for (int j = 0; j < d; j++) sum[labels[i] * d + j] += row[j];
    }
    double s = 0;
    for (int i = 0; i < n; i++) {
      x.matrix().copyRow(i, row, 0);
      int c = labels[i];
      for (int j = 0; j < d; j++) {
        double diff = row[j] - sum[c * d + j] / cnt[c];
        s += diff * diff;
      }
    }
    return s;
  }
}
