package io.segmenta.kernels;

/**
 * The compute contract: the operations that algorithms send to a device. Algorithms in the engine
 * see only this interface; they never import JCuda, JOCL or the Vector API.
 *
 * <p>Conventions, after cuVS: the backend is the first argument of everything it owns; data that
 * the backend uploads stays resident (in its own layout) until closed; every operation is safe to
 * call from several threads at once on different buffers, so concurrent runs may share one backend.
 *
 * <p>Numbers: inputs are float32; distances are computed in float32 with a guard against
 * cancellation (data is centred on the column means on upload, as scikit-learn does); every
 * reduction (sums, weights, inertia) accumulates in float64 and is reduced in a fixed order, so
 * results do not depend on the thread count. A backend that stores the centred values in float32
 * adds at most 2^-24 |x - mean| per value to a sum; the scalar reference path stores rows exactly.
 */
public interface ComputeBackend extends AutoCloseable {

  BackendInfo info();

  /**
   * Uploads a matrix (and optional per-row sample weights) and keeps it resident.
   *
   * @param weights per-row weights, {@code null} for unit weights; must be finite and >= 0
   */
  DeviceMatrix upload(HostMatrix x, float[] weights);

  /**
   * As {@link #upload(HostMatrix, float[])}, but a backend that centres the data (see the class
   * comment) centres it on {@code centre} instead of this matrix's own column means. A distributed
   * run uploads each partition centred on the whole data's means, so that every partition is stored
   * exactly as the single-machine upload stores those rows and the two give the same numbers. The
   * default ignores the hint (the result then differs in float32 rounding only).
   *
   * @param centre {@code x.cols()} finite values, or {@code null} for the column means
   */
  default DeviceMatrix upload(HostMatrix x, float[] weights, double[] centre) {
    return upload(x, weights);
  }

  /** Allocates an assignments buffer for {@code rows} rows; labels start at -1. */
  Assignments newAssignments(long rows);

  /**
   * The fused K-Means step: in one pass over the data, assigns each row to its nearest centroid
   * (ties to the lowest index), writes labels and squared distances into {@code out}, and fills
   * {@code result} with per-cluster sums, weights, counts, the inertia and the number of changed
   * labels. {@code centroids} is row-major {@code k * d} in float64 (rounded to float32 for the
   * distance computation).
   */
  void kmeansStep(DeviceMatrix x, double[] centroids, int k, Assignments out, KMeansStepResult result);

  /**
   * Squared Euclidean distances from rows {@code [from, from + count)} of {@code x} to {@code m}
   * centres (row-major {@code m * d}, float64), written row-major into {@code out[count * m]}.
   */
  void pairwiseSquaredDistances(DeviceMatrix x, long from, int count, double[] centers, int m, float[] out);

  /**
   * Sums of Euclidean (not squared) distances from each row i of {@code [from, from + count)} to
   * the rows of each group, groups being contiguous row ranges of {@code x}: group c is rows
   * {@code [bounds[c], bounds[c + 1])}. Writes {@code out[(i - from) * g + c]}, g = bounds.length
   * - 1. Distances are float32 (a row's distance to itself is 0), sums float64. This is the
   * exact silhouette's whole cost.
   *
   * <p>The default computes it from the pairwise kernel in tiles of centres taken from {@code
   * rows}, the host copy of {@code x}; a backend with a fused kernel overrides it.
   */
  default void groupDistanceSums(DeviceMatrix x, HostMatrix rows, long from, int count, long[] bounds, double[] out) {
    int g = bounds.length - 1;
    int d = x.cols();
    long n = x.rows();
    if (bounds[0] != 0 || bounds[g] != n) throw new IllegalArgumentException("groups must cover rows 0.." + n);
    java.util.Arrays.fill(out, 0, count * g, 0);
    int tile = 256;
    double[] centres = new double[tile * d];
    float[] row = new float[d];
    float[] dist = new float[count * tile];
    int c = 0;
    for (long t0 = 0; t0 < n; t0 += tile) {
      int m = (int) Math.min(tile, n - t0);
      for (int t = 0; t < m; t++) {
        rows.copyRow(t0 + t, row, 0);
        for (int j = 0; j < d; j++) centres[t * d + j] = row[j];
      }
      pairwiseSquaredDistances(x, from, count, m == tile ? centres : java.util.Arrays.copyOf(centres, m * d), m, dist);
      for (int t = 0; t < m; t++) {
        long j = t0 + t;
        while (j >= bounds[c + 1]) c++;
        for (int i = 0; i < count; i++) {
          if (from + i != j) out[i * g + c] += Math.sqrt(dist[i * m + t]);
        }
      }
    }
  }

  /**
   * One EM pass for a Gaussian mixture: the E-step under {@code g} (responsibilities by
   * log-sum-exp, never leaving the device) and the M-step's sufficient statistics, into {@code
   * out}. Reductions are float64 and ordered, as for {@link #kmeansStep}.
   */
  void gmmStep(DeviceMatrix x, GmmComponents g, GmmStepResult out);

  /**
   * The log joint densities {@code log p(x_i, c)} (see {@link GmmComponents}) of rows {@code [from,
   * from + count)}, row-major into {@code out[count * k]}; the caller normalises them (predict,
   * predict_proba, score_samples).
   */
  void gmmLogDensities(DeviceMatrix x, long from, int count, GmmComponents g, double[] out);

  @Override
  void close();
}
