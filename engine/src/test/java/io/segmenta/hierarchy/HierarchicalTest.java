package io.segmenta.hierarchy;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.InvalidInputException;
import io.segmenta.data.Dataset;
import io.segmenta.datasets.Uef;
import io.segmenta.metrics.AdjustedRandIndex;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Linkage matrices against SciPy's {@code linkage} (fixtures made by make_fixtures.py beside fixtures.json). */
class HierarchicalTest {

  static String fixtures() throws Exception {
    try (InputStream in = HierarchicalTest.class.getResourceAsStream("fixtures.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static double[] numbers(String json, String method, String key) {
    Matcher m = Pattern.compile("\"" + method + "\": \\{.*?\"" + key + "\": \\[([^\\]]*)\\]").matcher(json);
    assertTrue(m.find(), method + "/" + key);
    String[] parts = m.group(1).split(",");
    double[] out = new double[parts.length];
    for (int i = 0; i < parts.length; i++) out[i] = Double.parseDouble(parts[i].strip());
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Linkage.class)
  void mergeHeightsMatchScipy(Linkage method) throws Exception {
    double[][] pts = Uef.S1.points();
    int n = (pts.length + 11) / 12;
    float[][] rows = new float[n][];
    for (int i = 0; i < n; i++) rows[i] = new float[] {(float) pts[12 * i][0], (float) pts[12 * i][1]};
    double[][] z = Hierarchical.linkage(Dataset.of(rows), method);
    String json = fixtures();
    String name = method.name().toLowerCase();
    double[] heights = numbers(json, name, "heights");
    double[] sizes = numbers(json, name, "sizes");
    assertEquals(n - 1, z.length);
    assertEquals(heights.length, z.length);
    for (int i = 0; i < z.length; i++) {
      assertEquals(heights[i], z[i][2], 1e-6 * heights[i], name + " merge " + i);
      assertTrue(z[i][0] < z[i][1] && z[i][1] < n + i, "SciPy's cluster numbering");
    }
    assertEquals(n, (int) z[z.length - 1][3]);
    assertEquals(n, (int) sizes[sizes.length - 1]);
    double[] ref = numbers(json, name, "maxclust15");
    int[] refLabels = new int[ref.length];
    for (int i = 0; i < ref.length; i++) refLabels[i] = (int) ref[i];
    assertEquals(1.0, AdjustedRandIndex.of(refLabels, Hierarchical.cut(z, 15)), 1e-12, "the same 15 clusters as fcluster(maxclust=15)");
  }

  @Test
  void cutsAtAHeightAndRefusesTooManyRows() {
    Dataset d = Dataset.of(new float[][] {{0}, {1}, {10}, {11}, {30}});
    double[][] z = Hierarchical.linkage(d, Linkage.SINGLE);
    assertArrayEquals(new double[] {1, 1, 9, 19}, new double[] {z[0][2], z[1][2], z[2][2], z[3][2]});
    assertEquals(3, java.util.Arrays.stream(Hierarchical.cutAt(z, 5)).distinct().count());
    assertEquals(2, java.util.Arrays.stream(Hierarchical.cut(z, 2)).distinct().count());
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> Hierarchical.linkage(d, Linkage.WARD, 4));
    assertTrue(e.getMessage().contains("limit of 4") && e.getMessage().contains("two-stage"), e.getMessage());
  }

  /** With one micro-cluster per row (weights 1), the two-stage mode is the exact hierarchy. */
  @ParameterizedTest
  @EnumSource(Linkage.class)
  void twoStageWithOneMicroClusterPerRowIsExact(Linkage method) {
    double[][] pts = Uef.S1.points();
    int n = 300;
    float[][] rows = new float[n][];
    for (int i = 0; i < n; i++) rows[i] = new float[] {(float) pts[i * 16][0], (float) pts[i * 16][1]};
    Dataset data = Dataset.of(rows);
    double[][] exact = Hierarchical.linkage(data, method);
    try (io.segmenta.Segmenta engine = io.segmenta.Segmenta.open(new io.segmenta.EngineOptions(io.segmenta.kernels.BackendChoice.CPU, 1))) {
      Hierarchical.TwoStage ts = engine.hierarchicalTwoStage(data, method, n, 3);
      assertEquals(n - 1, ts.z().length);
      // Heights agree to float32 rounding: each centroid is its row as K-Means sums it (centred float32 values,
      // coordinates near 6e5 here); the cuts' partitions agree exactly.
      for (int r = 0; r < n - 1; r++) assertEquals(exact[r][2], ts.z()[r][2], 1e-5 * Math.max(1, exact[r][2]), "merge " + r);
      for (int k : new int[] {2, 5, 15}) {
        assertEquals(1.0, AdjustedRandIndex.of(Hierarchical.cut(exact, k), ts.cut(k)), 1e-12, "cut at k = " + k);
      }
    }
  }

  /** Past the row limit: 60,000 rows of s1 through 1,000 micro-clusters recover the 15 clusters. */
  @Test
  void twoStageRecoversPlantedClustersPastTheLimit() {
    double[][] pts = Uef.S1.points();
    int n = pts.length * 12;
    float[][] rows = new float[n][];
    java.util.SplittableRandom r = new java.util.SplittableRandom(4);
    for (int i = 0; i < n; i++) {
      double[] p = pts[i % pts.length];
      rows[i] = new float[] {(float) (p[0] + r.nextGaussian() * 2000), (float) (p[1] + r.nextGaussian() * 2000)};
    }
    Dataset data = Dataset.of(rows);
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> Hierarchical.linkage(data, Linkage.WARD));
    assertTrue(e.getMessage().contains("two-stage") && e.getMessage().contains("20000"), e.getMessage());
    int[] truth = new int[n];
    int[] gt = Uef.S1.labels();
    for (int i = 0; i < n; i++) truth[i] = gt[i % pts.length];
    try (io.segmenta.Segmenta engine = io.segmenta.Segmenta.open(new io.segmenta.EngineOptions(io.segmenta.kernels.BackendChoice.CPU, 2))) {
      Hierarchical.TwoStage ts = engine.hierarchicalTwoStage(data, Linkage.WARD, 1000, 1);
      double ari = AdjustedRandIndex.of(truth, ts.cut(15));
      assertTrue(ari > 0.95, "ARI " + ari);
      double rows0 = 0;
      for (double w : ts.weights()) rows0 += w;
      assertEquals(n, rows0, "every row is in a micro-cluster");
      assertEquals(n, ts.z()[ts.z().length - 1][3], "the root holds every row");
    }
  }
}
