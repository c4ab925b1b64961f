package io.segmenta.datasets;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Isotropic Gaussian blobs, as scikit-learn's {@code make_blobs}: {@code k} centres drawn uniformly
 * in {@code [-box, box]^d}, each point drawn around a centre chosen uniformly at random with standard
 * deviation {@code std}. The output is the same for a given seed on any number of threads: rows are
 * generated in fixed chunks, each with its own generator derived from the seed and the chunk index.
 *
 * @param values row-major float32 points, {@code n * d} values
 * @param centers the true centres, {@code k x d}
 * @param labels the centre each point was drawn from
 */
public record Blobs(float[] values, int n, int d, double[][] centers, int[] labels) {

  private static final int CHUNK = 1 << 16;

  /** Generates {@code n} points in {@code d} dimensions around {@code k} centres. */
  public static Blobs generate(int n, int d, int k, double std, double box, long seed) {
    if (n < 1 || d < 1 || k < 1) throw new IllegalArgumentException("n, d and k must be >= 1: n=" + n + ", d=" + d + ", k=" + k);
    if ((long) n * d > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("n * d too large for one array: " + ((long) n * d));
    if (!(std > 0) || !(box > 0)) throw new IllegalArgumentException("std and box must be > 0: std=" + std + ", box=" + box);
    SplittableRandom root = new SplittableRandom(seed);
    double[][] centers = new double[k][d];
    for (double[] c : centers) {
      for (int j = 0; j < d; j++) c[j] = (root.nextDouble() * 2 - 1) * box;
    }
    float[] values = new float[n * d];
    int[] labels = new int[n];
    int chunks = (n + CHUNK - 1) / CHUNK;
    long base = root.nextLong();
    IntStream.range(0, chunks).parallel().forEach(ch -> {
      SplittableRandom rnd = new SplittableRandom(base + 0x9E3779B97F4A7C15L * (ch + 1));
      int end = Math.min(n, (ch + 1) * CHUNK);
      for (int i = ch * CHUNK; i < end; i++) {
        int c = rnd.nextInt(k);
        labels[i] = c;
        for (int j = 0; j < d; j++) {
          values[i * d + j] = (float) (centers[c][j] + std * gaussian(rnd));
        }
      }
    });
    return new Blobs(values, n, d, centers, labels);
  }

  /** Standard normal deviate (polar Box-Muller without caching, so that it stays a pure function of the stream). */
  private static double gaussian(SplittableRandom rnd) {
    double u, v, s;
    do {
      u = rnd.nextDouble() * 2 - 1;
      v = rnd.nextDouble() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    return u * Math.sqrt(-2 * Math.log(s) / s);
  }

  /** Point {@code i} as a new array. */
  public float[] row(int i) {
    float[] r = new float[d];
    System.arraycopy(values, i * d, r, 0, d);
    return r;
  }
}
