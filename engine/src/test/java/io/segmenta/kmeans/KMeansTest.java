package io.segmenta.kmeans;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.EngineOptions;
import io.segmenta.InvalidInputException;
import io.segmenta.Segmenta;
import io.segmenta.data.Dataset;
import io.segmenta.kernels.BackendChoice;
import io.segmenta.run.IterationStats;
import io.segmenta.run.RunControl;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class KMeansTest {
  private static Segmenta engine;

  @BeforeAll
  static void open() {
    engine = Segmenta.open(new EngineOptions(BackendChoice.CPU, 2));
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  /** Rows around k centres in [-20, 20]^d with unit noise; row i belongs to centre i % k. */
  static float[] blobs(int n, int d, int k, double noise, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] c = new double[k * d];
    for (int i = 0; i < c.length; i++) c[i] = r.nextDouble(-20, 20);
    float[] x = new float[n * d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) x[i * d + j] = (float) (c[(i % k) * d + j] + noise * r.nextGaussian());
    }
    return x;
  }

  /** An independent float64 Lloyd from given centroids, with scikit-learn's rules, for comparison. */
  static double[] referenceLloyd(float[] x, float[] w, int n, int d, double[] init, int k, int iters) {
    double[] c = init.clone();
    for (int it = 0; it < iters; it++) {
      double[] s = new double[k * d];
      double[] ws = new double[k];
      for (int i = 0; i < n; i++) {
        int best = 0;
        double bd = Double.POSITIVE_INFINITY;
        for (int ci = 0; ci < k; ci++) {
          double t = 0;
          for (int j = 0; j < d; j++) {
            double diff = x[i * d + j] - c[ci * d + j];
            t += diff * diff;
          }
          if (t < bd) {
            bd = t;
            best = ci;
          }
        }
        double wi = w == null ? 1 : w[i];
        ws[best] += wi;
        for (int j = 0; j < d; j++) s[best * d + j] += wi * x[i * d + j];
      }
      for (int ci = 0; ci < k; ci++) {
        if (ws[ci] > 0) for (int j = 0; j < d; j++) c[ci * d + j] = s[ci * d + j] / ws[ci];
      }
    }
    return c;
  }

  @ParameterizedTest
  @EnumSource(value = BackendChoice.class, names = {"CPU", "SCALAR"})
  void lloydFromGivenCentroidsMatchesIndependentReference(BackendChoice backend) {
    int n = 5003;
    int d = 5;
    int k = 6;
    float[] x = blobs(n, d, k, 6.0, 7); // overlapping: labels keep moving for many iterations
    SplittableRandom r = new SplittableRandom(1);
    float[] w = new float[n];
    for (int i = 0; i < n; i++) w[i] = (float) r.nextDouble(0.5, 2);
    double[][] init = new double[k][d];
    for (int c = 0; c < k; c++) for (int j = 0; j < d; j++) init[c][j] = x[(c * 101) * d + j];
    int iters = 8;
    double[] ref = referenceLloyd(x, w, n, d, flat(init), k, iters);
    try (Segmenta e = Segmenta.open(new EngineOptions(backend, 2))) {
      KMeansResult res = e.kmeans(Dataset.ofRowMajor(x, n, d).withWeights(w),
          KMeansParams.builder(k).initialCentroids(init).maxIter(iters).tol(0).build());
      // Either all iterations ran, or labels stopped moving (then more iterations change nothing).
      assertTrue(res.model().iterations() >= 4, "a non-trivial run: " + res.model().iterations());
      double[][] got = res.model().centroids();
      for (int c = 0; c < k; c++) {
        for (int j = 0; j < d; j++) assertEquals(ref[c * d + j], got[c][j], 1e-4, "centroid " + c + " col " + j);
      }
    }
  }

  @Test
  void integerWeightsEqualRepeatedRows() {
    int n = 600;
    int d = 3;
    int k = 4;
    float[] x = blobs(n, d, k, 3.0, 11);
    float[] w = new float[n];
    List<float[]> repeated = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      w[i] = 1 + (i % 3);
      for (int t = 0; t < w[i]; t++) repeated.add(Arrays.copyOfRange(x, i * d, i * d + d));
    }
    double[][] init = new double[k][d];
    for (int c = 0; c < k; c++) for (int j = 0; j < d; j++) init[c][j] = x[c * 7 * d + j];
    KMeansParams p = KMeansParams.builder(k).initialCentroids(init).maxIter(50).build();
    KMeansResult weighted = engine.kmeans(Dataset.ofRowMajor(x, n, d).withWeights(w), p);
    KMeansResult rep = engine.kmeans(Dataset.of(repeated.toArray(new float[0][])), p);
    assertEquals(rep.model().inertia(), weighted.model().inertia(), 1e-6 * rep.model().inertia());
    double[][] a = weighted.model().centroids();
    double[][] b = rep.model().centroids();
    for (int c = 0; c < k; c++) assertArrayEquals(b[c], a[c], 1e-5);
  }

  @Test
  void weightsSteerKMeansPlusPlusAndRandomInit() {
    // Two far groups; zero weight on one of them: no centre may start (or end) there.
    int n = 200;
    float[] x = new float[n * 2];
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      boolean far = i % 2 == 0;
      x[2 * i] = (far ? 1000 : 0) + i % 7;
      x[2 * i + 1] = i % 5;
      w[i] = far ? 0 : 1;
    }
    for (Init init : new Init[] {Init.KMEANS_PLUS_PLUS, Init.RANDOM}) {
      KMeansResult r = engine.kmeans(Dataset.ofRowMajor(x, n, 2).withWeights(w),
          KMeansParams.builder(3).init(init).nInit(3).seed(5).build());
      for (double[] c : r.model().centroids()) assertTrue(c[0] < 100, init + " put a centre among zero-weight rows: " + Arrays.toString(c));
    }
  }

  @Test
  void emptyClusterIsReseededAtTheFarthestRowAndNeverNaN() {
    // Centre 2 starts far from every row: it receives nothing in the first step.
    float[] x = blobs(300, 2, 2, 0.5, 3);
    double[][] init = {{x[0], x[1]}, {x[2], x[3]}, {1e6, 1e6}};
    KMeansResult r = engine.kmeans(Dataset.ofRowMajor(x, 300, 2),
        KMeansParams.builder(3).initialCentroids(init).maxIter(100).build());
    double[][] c = r.model().centroids();
    for (double[] row : c) for (double v : row) assertTrue(Double.isFinite(v));
    assertTrue(Math.abs(c[2][0]) < 100, "the empty centre moved into the data: " + Arrays.toString(c[2]));
    long[] sizes = new long[3];
    for (int l : r.labels()) sizes[l]++;
    for (long s : sizes) assertTrue(s > 0, "every cluster has rows: " + Arrays.toString(sizes));
  }

  @Test
  void sameSeedSameResultDifferentSeedDifferentStart() {
    float[] x = blobs(2000, 4, 8, 4.0, 5);
    Dataset data = Dataset.ofRowMajor(x, 2000, 4);
    KMeansResult a = engine.kmeans(data, KMeansParams.builder(8).init(Init.RANDOM).nInit(2).seed(42).build());
    KMeansResult b = engine.kmeans(data, KMeansParams.builder(8).init(Init.RANDOM).nInit(2).seed(42).build());
    KMeansResult c = engine.kmeans(data, KMeansParams.builder(8).init(Init.RANDOM).nInit(2).seed(43).build());
    assertArrayEquals(a.labels(), b.labels());
    assertEquals(Double.doubleToLongBits(a.model().inertia()), Double.doubleToLongBits(b.model().inertia()));
    assertFalse(Arrays.equals(a.restartInertias(), c.restartInertias()), "another seed starts elsewhere");
  }

  @Test
  void resultDoesNotDependOnThreadCount() {
    float[] x = blobs(20_000, 7, 9, 5.0, 9);
    Dataset data = Dataset.ofRowMajor(x, 20_000, 7);
    KMeansParams p = KMeansParams.builder(9).nInit(2).seed(3).build();
    KMeansResult one;
    try (Segmenta e = Segmenta.open(new EngineOptions(BackendChoice.CPU, 1))) {
      one = e.kmeans(data, p);
    }
    try (Segmenta e = Segmenta.open(new EngineOptions(BackendChoice.CPU, 3))) {
      KMeansResult three = e.kmeans(data, p);
      assertArrayEquals(one.labels(), three.labels());
      assertArrayEquals(flat(one.model().centroids()), flat(three.model().centroids()), 0.0);
      assertEquals(Double.doubleToLongBits(one.model().inertia()), Double.doubleToLongBits(three.model().inertia()));
    }
  }

  @Test
  void bestRestartWinsAndLabelsMatchCentroids() {
    float[] x = blobs(3000, 2, 10, 2.5, 21);
    Dataset data = Dataset.ofRowMajor(x, 3000, 2);
    KMeansResult r = engine.kmeans(data, KMeansParams.builder(10).init(Init.RANDOM).nInit(6).seed(1).build());
    double min = Arrays.stream(r.restartInertias()).min().orElseThrow();
    assertEquals(min, r.model().inertia());
    assertArrayEquals(r.labels(), engine.predict(r.model(), data), "labels are the predictions of the final centroids");
    double inertia = 0;
    double[][] c = r.model().centroids();
    for (int i = 0; i < 3000; i++) {
      double dx = x[2 * i] - c[r.labels()[i]][0];
      double dy = x[2 * i + 1] - c[r.labels()[i]][1];
      inertia += dx * dx + dy * dy;
    }
    assertEquals(inertia, r.model().inertia(), 1e-5 * inertia);
  }

  @Test
  void transformGivesEuclideanDistancesToEachCentroid() {
    float[] x = blobs(500, 3, 4, 1.0, 2);
    Dataset data = Dataset.ofRowMajor(x, 500, 3);
    KMeansResult r = engine.kmeans(data, KMeansParams.builder(4).seed(2).build());
    double[][] t = engine.transform(r.model(), data);
    double[][] c = r.model().centroids();
    for (int i = 0; i < 500; i++) {
      for (int ci = 0; ci < 4; ci++) {
        double s = 0;
        for (int j = 0; j < 3; j++) s += Math.pow(x[i * 3 + j] - c[ci][j], 2);
        assertEquals(Math.sqrt(s), t[i][ci], 1e-3 * (1 + Math.sqrt(s)));
      }
    }
  }

  @Test
  void predictAppliesTheModelsScaling() {
    float[] x = blobs(400, 2, 3, 0.5, 8);
    for (int i = 0; i < 400; i++) x[2 * i + 1] *= 1000; // a column on another scale
    Dataset data = Dataset.ofRowMajor(x, 400, 2);
    KMeansResult r = engine.kmeans(data, KMeansParams.builder(3).scale(io.segmenta.preprocess.ScaleMethod.STANDARD).seed(1).build());
    assertArrayEquals(r.labels(), engine.predict(r.model(), data));
    double[][] inUnits = r.model().centroidsInInputUnits();
    double meanY = 0;
    for (int i = 0; i < 400; i++) meanY += x[2 * i + 1] / 400.0;
    double avgCentreY = (inUnits[0][1] + inUnits[1][1] + inUnits[2][1]) / 3;
    assertTrue(Math.abs(avgCentreY) > 100 || Math.abs(meanY) < 100, "centroids are reported in input units");
  }

  @Test
  void progressIsReportedAndCancellationStopsTheRun() {
    float[] x = blobs(5000, 4, 6, 8.0, 4);
    Dataset data = Dataset.ofRowMajor(x, 5000, 4);
    List<IterationStats> seen = new ArrayList<>();
    KMeansResult r = engine.kmeans(data, KMeansParams.builder(6).nInit(2).seed(1).build(), new RunControl(seen::add));
    assertFalse(seen.isEmpty());
    assertEquals(0, seen.get(0).restart());
    assertEquals(1, seen.get(0).iteration());
    assertEquals(2, seen.get(seen.size() - 1).restart() + 1);
    assertTrue(r.model().iterations() >= 1);

    RunControl[] holder = new RunControl[1];
    holder[0] = new RunControl(s -> {
      if (s.iteration() == 2) holder[0].cancel();
    });
    assertThrows(CancellationException.class,
        () -> engine.kmeans(data, KMeansParams.builder(6).tol(0).maxIter(100).build(), holder[0]));
  }

  @Test
  void concurrentFitsThroughOneEngineEqualSequentialOnes() throws Exception {
    float[] x = blobs(8000, 5, 7, 4.0, 13);
    Dataset data = Dataset.ofRowMajor(x, 8000, 5);
    List<KMeansParams> params = new ArrayList<>();
    for (int i = 0; i < 6; i++) params.add(KMeansParams.builder(3 + i).nInit(2).seed(i).build());
    List<KMeansResult> sequential = new ArrayList<>();
    for (KMeansParams p : params) sequential.add(engine.kmeans(data, p));
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<KMeansResult>> futures = new ArrayList<>();
      for (KMeansParams p : params) futures.add(pool.submit(() -> engine.kmeans(data, p)));
      for (int i = 0; i < params.size(); i++) {
        KMeansResult c = futures.get(i).get();
        assertArrayEquals(sequential.get(i).labels(), c.labels(), "fit " + i);
        assertEquals(sequential.get(i).model().inertia(), c.model().inertia(), 0.0, "fit " + i);
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void badParametersNameTheParameter() {
    Dataset data = Dataset.of(new float[][] {{0, 0}, {1, 1}, {1, 1}, {2, 2}});
    assertTrue(assertThrows(InvalidInputException.class, () -> KMeansParams.builder(0).build()).getMessage().contains("k must be >= 1"));
    assertTrue(assertThrows(InvalidInputException.class, () -> KMeansParams.builder(2).maxIter(0).build()).getMessage().contains("max-iter"));
    assertTrue(assertThrows(InvalidInputException.class, () -> KMeansParams.builder(2).tol(-1).build()).getMessage().contains("tol"));
    String m = assertThrows(InvalidInputException.class, () -> engine.kmeans(data, KMeansParams.builder(4).build())).getMessage();
    assertTrue(m.contains("k = 4") && m.contains("distinct rows") && m.contains("3"), m);
    String w = assertThrows(InvalidInputException.class, () -> data.withWeights(new float[] {1, -1, 1, 1})).getMessage();
    assertTrue(w.contains("row 2") && w.contains("-1"), w);
    String nan = assertThrows(InvalidInputException.class, () -> Dataset.of(new float[][] {{0, 1}, {Float.NaN, 2}})).getMessage();
    assertTrue(nan.contains("row 2") && nan.contains("x1"), nan);
    double[][] badInit = {{0, 0, 0}, {1, 1, 1}};
    String s = assertThrows(InvalidInputException.class,
        () -> engine.kmeans(data, KMeansParams.builder(2).initialCentroids(badInit).build())).getMessage();
    assertTrue(s.contains("3 columns") && s.contains("2"), s);
  }

  @Test
  void kmeansPlusPlusUsesTwoPlusLogKCandidatesAndBeatsRandomOnAverage() {
    float[] x = blobs(4000, 2, 15, 1.0, 17);
    Dataset data = Dataset.ofRowMajor(x, 4000, 2);
    double pp = 0;
    double rnd = 0;
    for (int s = 0; s < 5; s++) {
      pp += engine.kmeans(data, KMeansParams.builder(15).seed(s).maxIter(1).build()).model().inertia();
      rnd += engine.kmeans(data, KMeansParams.builder(15).init(Init.RANDOM).nInit(1).seed(s).maxIter(1).build()).model().inertia();
    }
    assertTrue(pp < rnd, "k-means++ seeding (" + pp + ") should beat random seeding (" + rnd + ") after one step");
    assertNotEquals(0, pp);
  }

  static double[] flat(double[][] c) {
    double[] f = new double[c.length * c[0].length];
    for (int i = 0; i < c.length; i++) System.arraycopy(c[i], 0, f, i * c[0].length, c[0].length);
    return f;
  }

  @Test
  void givenCentroidsAreInInputUnitsUnderScaling() {
    // Two tight groups at (0, 1000) and (10, 3000); standard scaling changes both columns' units.
    float[][] rows = new float[40][];
    for (int i = 0; i < 40; i++) rows[i] = i < 20 ? new float[] {i * 0.01f, 1000 + i} : new float[] {10 + i * 0.01f, 3000 + i};
    double[][] init = {{0, 1000}, {10, 3000}};
    KMeansResult r = engine.kmeans(Dataset.of(rows),
        KMeansParams.builder(2).initialCentroids(init).scale(io.segmenta.preprocess.ScaleMethod.STANDARD).build());
    double[][] c = r.model().centroidsInInputUnits();
    assertEquals(0.095, c[0][0], 1e-4);
    assertEquals(1009.5, c[0][1], 1e-3);
    assertEquals(10.295, c[1][0], 1e-4);
    assertEquals(3029.5, c[1][1], 1e-3);
    assertTrue(r.model().iterations() <= 2, "starts at the answer, so it converges at once: " + r.model().iterations());
  }
}
