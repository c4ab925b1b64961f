package io.segmenta.mixture;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.EngineOptions;
import io.segmenta.InvalidInputException;
import io.segmenta.JsonFixture;
import io.segmenta.Segmenta;
import io.segmenta.data.Dataset;
import io.segmenta.kernels.BackendChoice;
import io.segmenta.kernels.BackendUnavailableException;
import io.segmenta.metrics.AdjustedRandIndex;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Gaussian mixtures against scikit-learn 1.2.1 (fixtures.json, made by make_fixtures.py): from the
 * same starting parameters, 20 EM iterations, the lower bound within 1e-6 relative, and the fitted
 * parameters, BIC, AIC and probabilities close; on every covariance type, on the Vector API CPU
 * backend and on OpenCL (PoCL in CI). The scalar CPU path is held to the float64 oracle in
 * cpu-fallback's GmmPassTest.
 */
class GaussianMixtureTest {
  static final Map<String, Object> FIX = JsonFixture.load(GaussianMixtureTest.class, "fixtures.json");

  static Dataset data() {
    double[][] x = JsonFixture.matrix(FIX.get("x"));
    float[][] rows = new float[x.length][];
    for (int i = 0; i < x.length; i++) rows[i] = new float[] {(float) x[i][0], (float) x[i][1], (float) x[i][2]};
    return Dataset.of(rows);
  }

  static Stream<Arguments> cases() {
    return Stream.of("cpu", "opencl").flatMap(b ->
        ((List<?>) FIX.get("cases")).stream().map(c -> Arguments.of(b, ((Map<?, ?>) c).get("covariance"))));
  }

  static Segmenta engine(String backend) {
    try {
      return switch (backend) {
        case "opencl" -> Segmenta.open(new EngineOptions(BackendChoice.OPENCL, 1));
        default -> Segmenta.open(new EngineOptions(BackendChoice.CPU, 2));
      };
    } catch (BackendUnavailableException e) {
      if ("1".equals(System.getenv("SEGMENTA_REQUIRE_OPENCL"))) fail("OpenCL is required here: " + e.getMessage());
      Assumptions.abort("skipped: " + e.getMessage());
      return null;
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void lowerBoundAfter20IterationsMatchesScikitLearn(String backend, String type) {
    Map<?, ?> c = ((List<?>) FIX.get("cases")).stream().map(o -> (Map<?, ?>) o).filter(o -> o.get("covariance").equals(type))
        .findFirst().orElseThrow();
    List<?> ci = (List<?>) c.get("covariances_init");
    double[][][] covs = new double[ci.size()][][];
    for (int i = 0; i < covs.length; i++) covs[i] = JsonFixture.matrix(ci.get(i));
    GmmInit init = new GmmInit(JsonFixture.doubles(FIX.get("weights_init")), JsonFixture.matrix(FIX.get("means_init")), covs);
    GmmParams p = GmmParams.builder(4).covariance(CovarianceType.parse(type)).init(init).tol(0).maxIter(20).build();
    // float32 densities on a device; float64 on the CPU paths.
    double rel = backend.equals("opencl") ? 2e-5 : 1e-6;
    try (Segmenta engine = engine(backend)) {
      Dataset x = data();
      GmmResult r = engine.gmm(x, p);
      GmmModel m = r.model();
      assertEquals(20, m.iterations());
      double lb = (Double) c.get("lower_bound");
      assertEquals(lb, m.lowerBound(), rel * Math.abs(lb), "lower bound after 20 iterations");
      double[] w = JsonFixture.doubles(c.get("weights"));
      double[][] mu = JsonFixture.matrix(c.get("means"));
      List<?> cv = (List<?>) c.get("covariances");
      for (int k = 0; k < 4; k++) {
        assertEquals(w[k], m.weights()[k], 50 * rel, "weight " + k);
        for (int j = 0; j < 3; j++) assertEquals(mu[k][j], m.means()[k][j], 50 * rel * 50, "mean " + k + "," + j);
        double[][] want = JsonFixture.matrix(cv.get(k));
        for (int a = 0; a < 3; a++) {
          for (int b = 0; b < 3; b++) {
            assertEquals(want[a][b], m.covariances()[k][a][b], 50 * rel * Math.max(1, Math.abs(want[a][a])), "covariance " + k);
          }
        }
      }
      double bic = (Double) c.get("bic"), aic = (Double) c.get("aic");
      assertEquals(bic, m.bic(), 10 * rel * Math.abs(bic), "BIC");
      assertEquals(aic, m.aic(), 10 * rel * Math.abs(aic), "AIC");
      double[][] proba = engine.predictProba(m, x);
      double[][] want = JsonFixture.matrix(c.get("proba_first10"));
      for (int i = 0; i < 10; i++) {
        double s = 0;
        for (int k = 0; k < 4; k++) {
          assertEquals(want[i][k], proba[i][k], 1e-3, "predict_proba row " + i);
          s += proba[i][k];
        }
        assertEquals(1, s, 1e-9);
      }
      int[] labels = engine.predict(m, x);
      assertArrayEquals(r.labels(), labels, "predict on the training data gives the fit's labels");
      int[] skl = JsonFixture.doubles(c.get("labels")).length > 0 ? toInts(JsonFixture.doubles(c.get("labels"))) : null;
      int same = 0;
      for (int i = 0; i < labels.length; i++) if (labels[i] == skl[i]) same++;
      assertTrue(same >= labels.length - 2, same + " of " + labels.length + " labels equal scikit-learn's");
      double[] ll = engine.scoreSamples(m, x);
      double mean = 0;
      for (double v : ll) mean += v / ll.length;
      double score = (Double) c.get("score");
      assertEquals(score, mean, 10 * rel * Math.abs(score), "score");
    }
  }

  private static int[] toInts(double[] v) {
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) out[i] = (int) v[i];
    return out;
  }

  @Test
  void kmeansInitialisationFindsPlantedComponentsAndNInitKeepsTheBest() {
    SplittableRandom r = new SplittableRandom(5);
    int n = 6000;
    float[][] rows = new float[n][];
    int[] truth = new int[n];
    double[][] centres = {{0, 0}, {8, 1}, {3, 9}};
    for (int i = 0; i < n; i++) {
      int c = i % 3;
      truth[i] = c;
      double a = r.nextGaussian(), b = r.nextGaussian();
      rows[i] = new float[] {(float) (centres[c][0] + a * (1 + c * 0.5)), (float) (centres[c][1] + 0.8 * a + 0.5 * b)};
    }
    try (Segmenta engine = Segmenta.open(new EngineOptions(BackendChoice.CPU, 2))) {
      GmmResult res = engine.gmm(Dataset.of(rows), GmmParams.builder(3).nInit(3).seed(2).build());
      assertTrue(AdjustedRandIndex.of(truth, res.labels()) > 0.97, "ARI " + AdjustedRandIndex.of(truth, res.labels()));
      assertEquals(3, res.lowerBounds().length);
      double best = Double.NEGATIVE_INFINITY;
      for (double v : res.lowerBounds()) best = Math.max(best, v);
      assertEquals(best, res.model().lowerBound());
      assertTrue(res.model().converged());
      // Same seed, same answer on one thread.
      try (Segmenta one = Segmenta.open(new EngineOptions(BackendChoice.CPU, 1))) {
        GmmResult again = one.gmm(Dataset.of(rows), GmmParams.builder(3).nInit(3).seed(2).build());
        assertEquals(res.model().lowerBound(), again.model().lowerBound());
        assertArrayEquals(res.labels(), again.labels());
      }
    }
  }

  @Test
  void badParametersAndDegenerateDataAreNamed() {
    assertTrue(assertThrows(InvalidInputException.class, () -> GmmParams.builder(0).build()).getMessage().contains("k"));
    assertTrue(assertThrows(InvalidInputException.class, () -> GmmParams.builder(2).regCovar(-1).build()).getMessage().contains("reg-covar"));
    assertTrue(assertThrows(InvalidInputException.class, () -> GmmParams.builder(2).nInit(0).build()).getMessage().contains("n-init"));
    assertTrue(assertThrows(InvalidInputException.class, () -> CovarianceType.parse("banana")).getMessage().contains("full, tied, diag or spherical"));
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> new GmmInit(new double[] {0.5, 0.6}, new double[][] {{0}, {1}}, new double[][][] {{{1}}, {{1}}}));
    assertTrue(e.getMessage().contains("sum"), e.getMessage());
    // A constant column with no regularisation: the covariance is singular, and the error says so.
    float[][] rows = new float[50][];
    for (int i = 0; i < 50; i++) rows[i] = new float[] {i, 7};
    try (Segmenta engine = Segmenta.open(new EngineOptions(BackendChoice.CPU, 1))) {
      InvalidInputException s = assertThrows(InvalidInputException.class,
          () -> engine.gmm(Dataset.of(rows), GmmParams.builder(2).regCovar(0).build()));
      assertTrue(s.getMessage().contains("not positive definite") && s.getMessage().contains("reg-covar"), s.getMessage());
      InvalidInputException big = assertThrows(InvalidInputException.class, () -> engine.gmm(Dataset.of(rows), GmmParams.builder(51).build()));
      assertTrue(big.getMessage().contains("k = 51"), big.getMessage());
    }
  }
}
