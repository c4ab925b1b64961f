package io.segmenta.bench;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The runner's own checks are checked: the float64 inertia, the shared initial centroids, the output parsing. */
class PeersRunnerTest {

  @Test
  void inertia64KnownAnswer() {
    // Points 0, 1, 10, 12 on a line; centroids 0.5 and 11: 0.25 + 0.25 + 1 + 1 = 2.5.
    float[] x = {0, 1, 10, 12};
    assertEquals(2.5, PeersRunner.inertia64(x, 4, 1, new double[][] {{0.5}, {11}}), 0);
    // Two dimensions: (0,0), (3,4) against the origin alone: 0 + 25.
    assertEquals(25, PeersRunner.inertia64(new float[] {0, 0, 3, 4}, 2, 2, new double[][] {{0, 0}}), 0);
  }

  @Test
  void initialCentroidsAreDistinctDataRowsAndDependOnlyOnTheSeed() {
    int n = 1000, d = 3, k = 50;
    float[] x = new float[n * d];
    for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) x[i * d + j] = i * 10 + j;
    double[][] a = PeersRunner.initialCentroids(x, n, d, k, 7);
    double[][] b = PeersRunner.initialCentroids(x, n, d, k, 7);
    assertArrayEquals(a, b);
    Set<Double> rows = new HashSet<>();
    for (double[] c : a) {
      double row = c[0] / 10;
      assertEquals(Math.rint(row), row, "a data row");
      assertEquals(c[0] + 1, c[1]);
      rows.add(row);
    }
    assertEquals(k, rows.size(), "distinct rows");
    assertFalse(java.util.Arrays.deepEquals(a, PeersRunner.initialCentroids(x, n, d, k, 8)));
  }

  @Test
  void readsTheScriptsJson() {
    String json = "{\"sklearn_version\": \"1.2.1\", \"n_iter\": 20, \"fit_seconds_median\": 1.5e-1, "
        + "\"centroids\": [[1.0, -2.5], [3e-3, 4.0]]}";
    assertEquals("1.2.1", PeersRunner.Json.string(json, "sklearn_version"));
    assertEquals(20, PeersRunner.Json.number(json, "n_iter"));
    assertEquals(0.15, PeersRunner.Json.number(json, "fit_seconds_median"));
    assertArrayEquals(new double[][] {{1.0, -2.5}, {0.003, 4.0}}, PeersRunner.Json.matrix(json, "centroids", 2, 2));
    assertThrows(IllegalStateException.class, () -> PeersRunner.Json.matrix(json, "centroids", 3, 2));
  }

  @Test
  void parsesOptionsAndRejectsBadOnes() {
    PeersRunner.Config c = PeersRunner.parse(new String[] {"--n", "5000", "--threads", "1, 2,4", "--iters", "3"});
    assertEquals(5000, c.n());
    assertArrayEquals(new int[] {1, 2, 4}, c.threads());
    assertEquals(3, c.iters());
    assertThrows(IllegalArgumentException.class, () -> PeersRunner.parse(new String[] {"--n", "x"}));
    assertThrows(IllegalArgumentException.class, () -> PeersRunner.parse(new String[] {"--k", "10", "--n", "5"}));
    assertThrows(IllegalArgumentException.class, () -> PeersRunner.parse(new String[] {"--wat", "1"}));
  }

  @Test
  void tableShowsRatiosAgainstTheEngine() {
    PeersRunner.Config c = PeersRunner.parse(new String[] {"--n", "10", "--k", "2"});
    String t = PeersRunner.markdown(c, List.of(
        new PeersRunner.Row("Segmenta (cpu-vector)", "cpu-1", "1", 0.01, 0.008, 20, 100.0, ""),
        new PeersRunner.Row("scikit-learn 1.2.1 (lloyd, float32)", "cpu-1", "1", 0.03, Double.NaN, 20, 100.0001, "")),
        List.of(), "cpu", "1.2.1", 0.1, 0.2, "cmd");
    assertTrue(t.contains("| 3.00x |"), t);
    assertTrue(t.contains("1.0e-06"), t);
  }
}
