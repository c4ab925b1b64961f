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

  /** Calinski-Harabasz and Davies-Bouldin of one labelling, from the same two passes. */
  public record Internal(double calinskiHarabasz, double daviesBouldin) {}

  /** Between-cluster dispersion over within-cluster dispersion, each per degree of freedom; higher is better. */
  public static double calinskiHarabasz(Dataset data, int[] labels) {
    return internal(data, labels).calinskiHarabasz();
  }

  /** The mean over clusters of the worst ratio (s_i + s_j) / d(c_i, c_j); lower is better. */
  public static double daviesBouldin(Dataset data, int[] labels) {
    return internal(data, labels).daviesBouldin();
  }

  /**
   * Both internal scores: one pass for the centroids, one for the within-cluster squares (CH) and
   * each cluster's mean distance to its centroid (DB), where each used to take its own two.
   */
  public static Internal internal(Dataset data, int[] labels) {
    Centroids c = centroids(data, labels);
    long n = data.rows();
    int d = data.cols(), k = c.size.length;
    if (c.used < 2 || c.used >= n) {
      throw new InvalidInputException("Calinski-Harabasz and Davies-Bouldin need 2 <= clusters < n, got " + c.used + " clusters for " + n + " rows");
    }
    double within = 0;
    double[] scatter = new double[k];
    HostMatrix x = data.matrix();
    float[] buf = new float[BLOCK * d];
    for (long r0 = 0; r0 < n; r0 += BLOCK) {
      int rows = (int) Math.min(BLOCK, n - r0);
      x.copyRows(r0, rows, buf, 0);
      for (int i = 0; i < rows; i++) {
        int s = labels[(int) (r0 + i)];
        double[] mean = c.mean[s];
        double dd = 0;
        for (int j = 0; j < d; j++) {
          double e = buf[i * d + j] - mean[j];
          double e2 = e * e;
          within += e2;
          dd += e2;
        }
        scatter[s] += Math.sqrt(dd);
      }
    }
    double between = 0;
    for (int s = 0; s < k; s++) {
      if (c.size[s] == 0) continue;
      between += c.size[s] * squaredDistance(c.mean[s], c.all);
    }
    double ch = within == 0 ? 1.0 : between * (n - c.used) / (within * (c.used - 1));
    for (int s = 0; s < k; s++) if (c.size[s] > 0) scatter[s] /= c.size[s];
    double total = 0;
    for (int a = 0; a < k; a++) {
      if (c.size[a] == 0) continue;
      double worst = 0;
      for (int b = 0; b < k; b++) {
        if (b == a || c.size[b] == 0) continue;
        double dist = Math.sqrt(squaredDistance(c.mean[a], c.mean[b]));
        double r = dist == 0 ? 0 : (scatter[a] + scatter[b]) / dist;
        worst = Math.max(worst, r);
      }
      total += worst;
    }
    return new Internal(ch, total / c.used);
  }

  private static double squaredDistance(double[] a, double[] b) {
    double dd = 0;
    for (int j = 0; j < a.length; j++) {
      double e = a[j] - b[j];
      dd += e * e;
    }
    return dd;
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
