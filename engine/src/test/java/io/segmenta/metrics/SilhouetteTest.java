package io.segmenta.metrics;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.InvalidInputException;
import io.segmenta.data.Dataset;
import io.segmenta.kernels.BackendChoice;
import io.segmenta.kernels.BackendOptions;
import io.segmenta.kernels.BackendUnavailableException;
import io.segmenta.kernels.Backends;
import io.segmenta.kernels.ComputeBackend;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SilhouetteTest {

  static ComputeBackend open(String name) {
    try {
      return Backends.open(BackendChoice.parse(name), BackendOptions.DEFAULTS);
    } catch (BackendUnavailableException e) {
      if (name.equals("opencl") && "1".equals(System.getenv("SEGMENTA_REQUIRE_OPENCL"))) throw e;
      Assumptions.abort("skipped: " + e.getMessage());
      return null;
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"cpu", "scalar", "opencl"})
  void knownAnswerOnTheLine(String name) {
    try (ComputeBackend be = open(name)) {
      Dataset d = Dataset.of(new float[][] {{0}, {1}, {10}, {11}});
      // a = 1 for every point; b = 10.5, 9.5, 9.5, 10.5; s = (b - a) / b.
      double expected = ((9.5 / 10.5) * 2 + (8.5 / 9.5) * 2) / 4;
      assertEquals(expected, Silhouette.exact(be, d, new int[] {0, 0, 1, 1}), 1e-6);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"cpu", "opencl"})
  void exactMatchesAFloat64OracleAcrossTiles(String name) {
    int n = 700, dim = 5, k = 4;
    SplittableRandom r = new SplittableRandom(17);
    float[] x = new float[n * dim];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 5 == 4 ? 3 : i % 3; // uneven clusters
      for (int j = 0; j < dim; j++) x[i * dim + j] = (float) (labels[i] * 2 + r.nextGaussian() + 100);
    }
    labels[0] = 3; // still 4 clusters
    double[] sum = new double[n * k];
    long[] size = new long[k];
    for (int l : labels) size[l]++;
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < n; t++) {
        if (t == i) continue;
        double s = 0;
        for (int j = 0; j < dim; j++) {
          double diff = x[i * dim + j] - x[t * dim + j];
          s += diff * diff;
        }
        sum[i * k + labels[t]] += Math.sqrt(s);
      }
    }
    double total = 0;
    for (int i = 0; i < n; i++) {
      double a = sum[i * k + labels[i]] / (size[labels[i]] - 1), b = Double.POSITIVE_INFINITY;
      for (int c = 0; c < k; c++) if (c != labels[i]) b = Math.min(b, sum[i * k + c] / size[c]);
      total += (b - a) / Math.max(a, b);
    }
    double oracle = total / n;
    try (ComputeBackend be = open(name)) {
      Dataset d = Dataset.ofRowMajor(x, n, dim);
      assertEquals(oracle, Silhouette.exact(be, d, labels), 1e-5);
      assertEquals(Silhouette.exact(be, d, labels), Silhouette.sampled(be, d, labels, n, 1), "a sample of all rows is exact");
      double s = Silhouette.sampled(be, d, labels, 300, 7);
      assertEquals(oracle, s, 0.1, "a 300-row sample lands near the exact score");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"cpu"})
  void needsTwoClusters(String name) {
    try (ComputeBackend be = open(name)) {
      assertThrows(InvalidInputException.class, () -> Silhouette.exact(be, Dataset.of(new float[][] {{0}, {1}}), new int[] {0, 0}));
    }
  }
}
