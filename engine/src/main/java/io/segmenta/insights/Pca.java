package io.segmenta.insights;

/**
 * The first two principal components of a small matrix (a sample of rows, already in the clustering
 * space): covariance in float64, then the two leading eigenvectors by power iteration with
 * deflation. Enough for a 2-D picture of the segments; not a general PCA.
 */
final class Pca {
  private Pca() {}

  /** Rows projected on the two leading components: {@code out[i] = {pc1, pc2}}. */
  static double[][] project2(double[][] x) {
    int n = x.length, d = x[0].length;
    double[] mean = new double[d];
    for (double[] r : x) for (int j = 0; j < d; j++) mean[j] += r[j] / n;
    double[][] cov = new double[d][d];
    for (double[] r : x) {
      for (int a = 0; a < d; a++) {
        double da = r[a] - mean[a];
        for (int b = a; b < d; b++) cov[a][b] += da * (r[b] - mean[b]) / n;
      }
    }
    for (int a = 0; a < d; a++) for (int b = 0; b < a; b++) cov[a][b] = cov[b][a];
    double[] v1 = leading(cov, null);
    double l1 = rayleigh(cov, v1);
    double[][] deflated = new double[d][d];
    for (int a = 0; a < d; a++) for (int b = 0; b < d; b++) deflated[a][b] = cov[a][b] - l1 * v1[a] * v1[b];
    double[] v2 = d > 1 ? leading(deflated, v1) : new double[d];
    double[][] out = new double[n][2];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        double c = x[i][j] - mean[j];
        out[i][0] += c * v1[j];
        out[i][1] += c * v2[j];
      }
    }
    return out;
  }

  private static double[] leading(double[][] m, double[] orthogonalTo) {
    int d = m.length;
    double[] v = new double[d];
    for (int j = 0; j < d; j++) v[j] = 1.0 / Math.sqrt(d) + 1e-3 * j;
    for (int it = 0; it < 500; it++) {
      double[] w = new double[d];
      for (int a = 0; a < d; a++) for (int b = 0; b < d; b++) w[a] += m[a][b] * v[b];
      if (orthogonalTo != null) {
        double p = 0;
        for (int j = 0; j < d; j++) p += w[j] * orthogonalTo[j];
        for (int j = 0; j < d; j++) w[j] -= p * orthogonalTo[j];
      }
      double norm = 0;
      for (double e : w) norm += e * e;
      norm = Math.sqrt(norm);
      if (norm == 0) return v;
      double change = 0;
      for (int j = 0; j < d; j++) {
        double nv = w[j] / norm;
        change += Math.abs(nv - v[j]);
        v[j] = nv;
      }
      if (change < 1e-12) break;
    }
    return v;
  }

  private static double rayleigh(double[][] m, double[] v) {
    double s = 0;
    for (int a = 0; a < m.length; a++) for (int b = 0; b < m.length; b++) s += v[a] * m[a][b] * v[b];
    return s;
  }
}
