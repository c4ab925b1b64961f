package io.segmenta.kernels;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The GPU backends against a scalar float64 oracle on random shapes. OpenCL runs wherever a driver
 * is installed (PoCL in CI, where {@code SEGMENTA_REQUIRE_OPENCL=1} turns a missing driver into a
 * failure); CUDA runs on a machine with an NVIDIA driver ({@code SEGMENTA_REQUIRE_CUDA=1} there).
 * Elsewhere each is skipped with the probe's reason.
 */
class GpuBackendsTest {
  private static final List<ComputeBackend> OPEN = new ArrayList<>();
  private static ComputeBackend opencl;
  private static ComputeBackend cuda;
  private static String openclWhy;
  private static String cudaWhy;

  @BeforeAll
  static void open() {
    try {
      opencl = Backends.open(BackendChoice.OPENCL, BackendOptions.DEFAULTS);
      OPEN.add(opencl);
    } catch (BackendUnavailableException e) {
      openclWhy = e.getMessage();
    }
    try {
      cuda = Backends.open(BackendChoice.CUDA, BackendOptions.DEFAULTS);
      OPEN.add(cuda);
    } catch (BackendUnavailableException e) {
      cudaWhy = e.getMessage();
    }
  }

  @AfterAll
  static void close() {
    OPEN.forEach(ComputeBackend::close);
  }

  static ComputeBackend backend(String name) {
    boolean isCuda = name.equals("cuda");
    ComputeBackend b = isCuda ? cuda : opencl;
    String why = isCuda ? cudaWhy : openclWhy;
    String require = System.getenv(isCuda ? "SEGMENTA_REQUIRE_CUDA" : "SEGMENTA_REQUIRE_OPENCL");
    if (b == null && "1".equals(require)) fail(name + " is required here but unavailable: " + why);
    Assumptions.assumeTrue(b != null, () -> "skipped: " + why);
    return b;
  }

  static Stream<Arguments> shapes() {
    List<Arguments> out = new ArrayList<>();
    int[] ds = {1, 3, 16, 17, 100};
    int[] ks = {1, 7, 256};
    int[] ns = {1000, 4097};
    for (String b : List.of("opencl", "cuda")) {
      int i = 0;
      for (int d : ds) for (int k : ks) out.add(Arguments.of(b, ns[i++ % 2], d, k));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} n={1} d={2} k={3}")
  @MethodSource("shapes")
  void stepMatchesTheFloat64Oracle(String name, int n, int d, int k) {
    ComputeBackend be = backend(name);
    SplittableRandom r = new SplittableRandom(31L * n + 7L * d + k);
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * 3 + (i % d));
    float[] w = new float[n];
    for (int i = 0; i < n; i++) w[i] = (float) r.nextDouble(0, 2);
    double[] c = new double[k * d];
    for (int i = 0; i < c.length; i++) c[i] = r.nextGaussian() * 3 + (i % d);
    for (float[] weights : new float[][] {null, w}) {
      try (DeviceMatrix dm = be.upload(HostMatrix.ofRowMajor(x, n, d), weights); Assignments a = be.newAssignments(n)) {
        KMeansStepResult res = new KMeansStepResult(k, d);
        be.kmeansStep(dm, c, k, a, res);
        Oracle.check(x, weights, n, d, c, k, a, res);
        assertEquals(n, res.changed, "every label is new on the first step");
        double[] sums = res.sums.clone();
        double inertia = res.inertia;
        be.kmeansStep(dm, c, k, a, res);
        assertEquals(0, res.changed, "same centroids, same labels");
        assertArrayEquals(sums, res.sums, "deterministic: the same bits twice");
        assertEquals(inertia, res.inertia);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  void dataFarFromTheOriginDoesNotCancel(String name) {
    // scikit-learn issue 9354: two clusters 0.5 apart at 1e5 from the origin; float32 ||x||^2 is 1e10.
    ComputeBackend be = backend(name);
    int n = 2000, d = 4, k = 2;
    SplittableRandom r = new SplittableRandom(5);
    float[] x = new float[n * d];
    for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) x[i * d + j] = (float) (1e5 + (i % 2) * 0.5 + r.nextGaussian() * 0.02);
    double[] c = new double[k * d];
    for (int j = 0; j < d; j++) {
      c[j] = 1e5;
      c[d + j] = 1e5 + 0.5;
    }
    try (DeviceMatrix dm = be.upload(HostMatrix.ofRowMajor(x, n, d), null); Assignments a = be.newAssignments(n)) {
      KMeansStepResult res = new KMeansStepResult(k, d);
      be.kmeansStep(dm, c, k, a, res);
      int[] labels = new int[n];
      a.copyLabels(0, labels, 0, n);
      for (int i = 0; i < n; i++) assertEquals(i % 2, labels[i], "row " + i);
      Oracle.check(x, null, n, d, c, k, a, res);
    }
  }

  static Stream<String> names() {
    return Stream.of("opencl", "cuda");
  }

  @ParameterizedTest(name = "{0} m={1}")
  @MethodSource("pairwiseShapes")
  void pairwiseMatchesTheOracle(String name, int m, int d) {
    ComputeBackend be = backend(name);
    int n = 1003;
    SplittableRandom r = new SplittableRandom(m * 13L + d);
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() + 50);
    double[] c = new double[m * d];
    for (int i = 0; i < c.length; i++) c[i] = r.nextGaussian() + 50;
    int from = 17, count = 977;
    float[] out = new float[count * m];
    java.util.Arrays.fill(out, Float.NaN); // poison: every entry must be written
    try (DeviceMatrix dm = be.upload(HostMatrix.ofRowMajor(x, n, d), null)) {
      be.pairwiseSquaredDistances(dm, from, count, c, m, out);
    }
    for (int i = 0; i < count; i++) {
      for (int q = 0; q < m; q++) {
        double s = 0, scale = 1;
        for (int j = 0; j < d; j++) {
          double diff = x[(from + i) * d + j] - c[q * d + j];
          s += diff * diff;
          scale += Math.abs(diff) * 4;
        }
        assertEquals(s, out[i * m + q], 1e-5 * scale + 1e-4 * s, "row " + (from + i) + ", centre " + q);
      }
    }
  }

  static Stream<Arguments> pairwiseShapes() {
    List<Arguments> out = new ArrayList<>();
    for (String b : List.of("opencl", "cuda")) {
      out.add(Arguments.of(b, 1, 3));
      out.add(Arguments.of(b, 7, 17));
      out.add(Arguments.of(b, 40, 100));
    }
    return out.stream();
  }

  @Test
  void explicitCudaWithoutADeviceFailsWithAClearMessage() {
    Assumptions.assumeTrue(cuda == null, "a CUDA device is present here");
    BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
        () -> Backends.open(BackendChoice.CUDA, BackendOptions.DEFAULTS));
    assertTrue(e.getMessage().contains("cuda") && e.getMessage().contains("not available"), e.getMessage());
  }

  /** Data over the device budget streams through in chunks; the step still matches the oracle. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  void dataLargerThanTheDeviceBudgetStreamsInChunks(String name) {
    ComputeBackend be = backend(name);
    int n = 10_000, d = 17, k = 7; // 680 KB of data; a 64 KB budget makes chunks of 1,024 rows
    SplittableRandom r = new SplittableRandom(99);
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * 2 + (i % d));
    float[] w = new float[n];
    for (int i = 0; i < n; i++) w[i] = (float) r.nextDouble(0.1, 3);
    double[] c = new double[k * d];
    for (int i = 0; i < c.length; i++) c[i] = r.nextGaussian() * 2 + (i % d);
    System.setProperty("segmenta.device.residentBytes", "65536");
    try (DeviceMatrix dm = be.upload(HostMatrix.ofRowMajor(x, n, d), w); Assignments a = be.newAssignments(n)) {
      KMeansStepResult res = new KMeansStepResult(k, d);
      be.kmeansStep(dm, c, k, a, res);
      Oracle.check(x, w, n, d, c, k, a, res);
      assertEquals(n, res.changed);
      be.kmeansStep(dm, c, k, a, res);
      assertEquals(0, res.changed);
      float[] out = new float[300 * k];
      be.pairwiseSquaredDistances(dm, 5000, 300, c, k, out);
      for (int q = 0; q < k; q++) {
        double s = 0;
        for (int j = 0; j < d; j++) s += Math.pow(x[5000 * d + j] - c[q * d + j], 2);
        assertEquals(s, out[q], 1e-4 * (s + 1), "pairwise on streamed data, centre " + q);
      }
    } finally {
      System.clearProperty("segmenta.device.residentBytes");
    }
  }

  /** The GPU-shaped OpenCL assign kernel (register tiles, local memory) against the oracle, forced on PoCL. */
  @ParameterizedTest(name = "tiled n={0} d={1} k={2}")
  @MethodSource("tiledShapes")
  void tiledOpenClAssignMatchesTheOracle(int n, int d, int k) {
    backend("opencl"); // skipped (or failed where required) like the other OpenCL tests
    System.setProperty("segmenta.opencl.assign", "tiled");
    System.setProperty("segmenta.opencl.update", "sorted"); // kmeans_assign runs on the three-kernel path only
    try (ComputeBackend be = Backends.open(BackendChoice.OPENCL, BackendOptions.DEFAULTS)) {
      SplittableRandom r = new SplittableRandom(7L * n + d + k);
      float[] x = new float[n * d];
      for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * 3 + (i % d));
      double[] c = new double[k * d];
      for (int i = 0; i < c.length; i++) c[i] = r.nextGaussian() * 3 + (i % d);
      try (DeviceMatrix dm = be.upload(HostMatrix.ofRowMajor(x, n, d), null); Assignments a = be.newAssignments(n)) {
        KMeansStepResult res = new KMeansStepResult(k, d);
        be.kmeansStep(dm, c, k, a, res);
        Oracle.check(x, null, n, d, c, k, a, res);
      }
    } finally {
      System.clearProperty("segmenta.opencl.assign");
    }
  }

  /**
   * The fused assign + update kernel (each partition's record in local or shared memory) against
   * the oracle on the shapes, weighted and not, resident and streamed (OpenCL forced on
   * PoCL, where it is also the default); and bit for bit against the three-kernel path (assign,
   * bucket, partials), which adds the same terms in the same order.
   */
  @ParameterizedTest(name = "{0} fused n={1} d={2} k={3} streamed={4}")
  @MethodSource("fusedShapes")
  void fusedUpdateMatchesTheOracleAndTheSortedPath(String name, int n, int d, int k, boolean streamed) {
    backend(name); // skipped (or failed where required) like the other tests of this backend
    SplittableRandom r = new SplittableRandom(11L * n + 3L * d + k);
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * 3 + (i % d) + 1000);
    float[] w = new float[n];
    for (int i = 0; i < n; i++) w[i] = (float) r.nextDouble(0, 2);
    double[] c = new double[k * d];
    for (int i = 0; i < c.length; i++) c[i] = r.nextGaussian() * 3 + (i % d) + 1000;
    if (streamed) System.setProperty("segmenta.device.residentBytes", "65536");
    try {
      for (float[] weights : new float[][] {null, w}) {
        Stepped f = step(name, "fused", x, weights, n, d, c, k);
        Stepped so = step(name, "sorted", x, weights, n, d, c, k);
        KMeansStepResult fused = f.result(), sorted = so.result();
        assertArrayEquals(so.labels(), f.labels(), "labels");
        assertArrayEquals(sorted.sums, fused.sums, "sums: the same bits on both paths");
        assertArrayEquals(sorted.weights, fused.weights, "weights");
        assertArrayEquals(sorted.counts, fused.counts, "counts");
        assertEquals(sorted.inertia, fused.inertia, "inertia");
        assertEquals(sorted.changed, fused.changed, "changed");
      }
    } finally {
      System.clearProperty("segmenta.device.residentBytes");
    }
  }

  private record Stepped(KMeansStepResult result, int[] labels) {}

  /**
   * One step from fresh assignments on a backend opened with the given update path (forced: a
   * record that does not fit fails instead of quietly taking the other path), checked against the
   * oracle.
   */
  private static Stepped step(String name, String update, float[] x, float[] w, int n, int d, double[] c, int k) {
    String property = "segmenta." + name + ".update";
    System.setProperty(property, update);
    System.setProperty("segmenta.opencl.assign", "tiled");
    try (ComputeBackend be = Backends.open(name.equals("cuda") ? BackendChoice.CUDA : BackendChoice.OPENCL, BackendOptions.DEFAULTS);
         DeviceMatrix dm = be.upload(HostMatrix.ofRowMajor(x, n, d), w);
         Assignments a = be.newAssignments(n)) {
      KMeansStepResult res = new KMeansStepResult(k, d);
      be.kmeansStep(dm, c, k, a, res);
      Oracle.check(x, w, n, d, c, k, a, res);
      int[] labels = new int[n];
      a.copyLabels(0, labels, 0, n);
      return new Stepped(res, labels);
    } finally {
      System.clearProperty(property);
      System.clearProperty("segmenta.opencl.assign");
    }
  }

  static Stream<Arguments> fusedShapes() {
    List<Arguments> out = new ArrayList<>();
    int[] ds = {1, 3, 16, 17, 100};
    int[] ks = {1, 7, 256};
    for (String b : List.of("opencl", "cuda")) {
      int i = 0;
      for (int d : ds) for (int k : ks) out.add(Arguments.of(b, i++ % 2 == 0 ? 1000 : 4097, d, k, false));
      out.add(Arguments.of(b, 10_000, 17, 7, true));
      out.add(Arguments.of(b, 5_000, 3, 256, true));
      out.add(Arguments.of(b, 3_001, 3, 1_000, false)); // k + 1 > 3 x the group: several offsets per work-item in the scan
    }
    return out.stream();
  }

  static Stream<Arguments> tiledShapes() {
    return Stream.of(Arguments.of(1000, 1, 7), Arguments.of(4097, 17, 33), Arguments.of(1000, 100, 256), Arguments.of(300, 3, 1));
  }

  static Stream<Arguments> gmmShapes() {
    List<Arguments> out = new ArrayList<>();
    int[] ds = {1, 3, 16, 17, 33};
    int[] ks = {1, 7, 20};
    int[] ns = {1000, 4097};
    for (String b : List.of("opencl", "cuda")) {
      int i = 0;
      for (int d : ds) {
        for (int k : ks) {
          GmmComponents.Form form = i % 2 == 0 ? GmmComponents.Form.FULL : GmmComponents.Form.DIAG;
          out.add(Arguments.of(b, form, ns[i++ % 2], d, k));
        }
      }
    }
    return out.stream();
  }

  /**
   * The GMM pass (float32 densities, float64 moments) against the float64 oracle, on data offset far
   * from the origin, weighted for half the shapes; then the log densities of a slice of rows.
   */
  @ParameterizedTest(name = "{0} {1} n={2} d={3} k={4}")
  @MethodSource("gmmShapes")
  void gmmPassMatchesTheFloat64Oracle(String name, GmmComponents.Form form, int n, int d, int k) {
    ComputeBackend be = backend(name);
    SplittableRandom r = new SplittableRandom(17L * n + 5L * d + k);
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) x[i] = (float) (1000 + r.nextGaussian() * 2 + (i % d));
    float[] w = null;
    if (k % 2 == 1) {
      w = new float[n];
      for (int i = 0; i < n; i++) w[i] = (float) (0.25 + r.nextDouble() * 2);
    }
    double[] off = new double[d];
    java.util.Arrays.fill(off, 1000);
    GmmComponents g0 = GmmOracle.components(form, k, d, r, 2.0);
    double[] mu = g0.means().clone();
    for (int i = 0; i < mu.length; i++) mu[i] += 1000;
    GmmComponents g = new GmmComponents(form, k, d, mu, g0.precisionCholesky(), g0.logNorm());
    try (DeviceMatrix dm = be.upload(HostMatrix.ofRowMajor(x, n, d), w)) {
      GmmStepResult res = new GmmStepResult(form, k, d);
      be.gmmStep(dm, g, res);
      GmmOracle.check(x, w, n, g, res, 2e-4);
      int from = n / 3, count = Math.min(500, n - from);
      double[] lp = new double[count * k];
      be.gmmLogDensities(dm, from, count, g, lp);
      for (int i = 0; i < count; i++) {
        for (int c = 0; c < k; c++) {
          double want = GmmOracle.logDensity(x, from + i, g, c);
          assertEquals(want, lp[i * k + c], 1e-4 * Math.max(1, Math.abs(want)), "row " + (from + i) + " component " + c);
        }
      }
    }
  }
}
