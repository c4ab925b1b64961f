package io.segmenta.density;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.InvalidInputException;
import io.segmenta.data.Dataset;
import io.segmenta.datasets.Uef;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** DBSCAN against scikit-learn's labels and core points (fixtures made by make_fixtures.py). */
class DbscanTest {

  static int[] ints(String s) {
    if (s.isBlank()) return new int[0];
    String[] p = s.split(",");
    int[] out = new int[p.length];
    for (int i = 0; i < p.length; i++) out[i] = Integer.parseInt(p[i].strip());
    return out;
  }

  @Test
  void sameClustersNoiseAndCorePointsAsScikitLearn() throws Exception {
    String json;
    try (InputStream in = getClass().getResourceAsStream("fixtures.json")) {
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    double[][] pts = Uef.S1.points();
    int n = (pts.length + 4) / 5;
    float[][] two = new float[n][], four = new float[n][];
    for (int i = 0; i < n; i++) {
      float x = (float) pts[5 * i][0], y = (float) pts[5 * i][1];
      two[i] = new float[] {x, y};
      four[i] = new float[] {x, y, x + y, x - y}; // float32 arithmetic, as numpy's
    }
    Matcher m = Pattern.compile("\"name\": \"([\\w-]+)\", \"eps\": ([0-9.]+), \"min_samples\": (\\d+), \"labels\": \\[([^\\]]*)\\], \"core\": \\[([^\\]]*)\\]")
        .matcher(json);
    int cases = 0;
    while (m.find()) {
      Dataset d = Dataset.of(m.group(1).contains("4d") ? four : two);
      Dbscan.Result r = Dbscan.fit(d, Double.parseDouble(m.group(2)), Integer.parseInt(m.group(3)));
      assertArrayEquals(ints(m.group(4)), r.labels(), m.group(1) + ": labels, cluster numbers and noise");
      List<Integer> core = new ArrayList<>();
      for (int i = 0; i < n; i++) if (r.core()[i]) core.add(i);
      assertArrayEquals(ints(m.group(5)), core.stream().mapToInt(Integer::intValue).toArray(), m.group(1) + ": core points");
      cases++;
    }
    assertEquals(3, cases);
  }

  @Test
  void badParametersAreNamed() {
    Dataset d = Dataset.of(new float[][] {{0}, {1}});
    assertTrue(assertThrows(InvalidInputException.class, () -> Dbscan.fit(d, 0, 3)).getMessage().contains("eps"));
    assertTrue(assertThrows(InvalidInputException.class, () -> Dbscan.fit(d, 1, 0)).getMessage().contains("minPts"));
  }

  /**
   * High dimensions: the pairwise-kernel path (CPU backend here, OpenCL on PoCL too) gives the k-d
   * tree's labels and core points on 20-dimensional blobs with noise, and the facade takes it.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"cpu", "opencl"})
  void pairwiseKernelPathMatchesTheTreeInHighDimensions(String backend) {
    int n = 3000, d = 20;
    java.util.SplittableRandom r = new java.util.SplittableRandom(8);
    float[][] rows = new float[n][d];
    for (int i = 0; i < n; i++) {
      int c = i % 5;
      for (int j = 0; j < d; j++) rows[i][j] = i % 50 == 0 ? (float) (r.nextDouble() * 40 - 20) : (float) (c * 4 + r.nextGaussian() * 0.6);
    }
    Dataset data = Dataset.of(rows);
    Dbscan.Result tree = Dbscan.fit(data, 3.2, 8);
    assertTrue(tree.clusters() >= 5, "clusters " + tree.clusters());
    long noise = java.util.Arrays.stream(tree.labels()).filter(l -> l < 0).count();
    assertTrue(noise > 0 && noise < n / 10, "noise " + noise);
    io.segmenta.kernels.ComputeBackend be;
    try {
      be = io.segmenta.kernels.Backends.open(io.segmenta.kernels.BackendChoice.parse(backend), new io.segmenta.kernels.BackendOptions(2));
    } catch (io.segmenta.kernels.BackendUnavailableException e) {
      if ("1".equals(System.getenv("SEGMENTA_REQUIRE_OPENCL"))) fail("OpenCL is required here: " + e.getMessage());
      org.junit.jupiter.api.Assumptions.abort("skipped: " + e.getMessage());
      return;
    }
    try (be) {
      Dbscan.Result pw = Dbscan.fitPairwise(be, data, 3.2, 8);
      assertArrayEquals(tree.labels(), pw.labels());
      assertArrayEquals(tree.core(), pw.core());
      assertEquals(tree.clusters(), pw.clusters());
    }
    try (io.segmenta.Segmenta engine = io.segmenta.Segmenta.open(new io.segmenta.EngineOptions(io.segmenta.kernels.BackendChoice.CPU, 2))) {
      assertArrayEquals(tree.labels(), engine.dbscan(data, 3.2, 8).labels());
    }
  }
}
