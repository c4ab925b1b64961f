package io.segmenta.mixture;

import io.segmenta.InvalidInputException;
import io.segmenta.data.Dataset;
import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;
import io.segmenta.kernels.GmmComponents;
import io.segmenta.kernels.GmmStepResult;
import io.segmenta.kernels.HostMatrix;
import io.segmenta.kmeans.KMeans;
import io.segmenta.kmeans.KMeansParams;
import io.segmenta.preprocess.FeatureScaling;
import io.segmenta.run.RunControl;
import java.util.SplittableRandom;

/**
 * Gaussian mixtures by expectation-maximisation, following scikit-learn's {@code GaussianMixture}
 * step for step (so that, from the same starting parameters, the lower bounds agree): each
 * iteration is one pass of the backend ({@link ComputeBackend#gmmStep}: E-step by log-sum-exp and
 * the M-step's moments, on the device) followed by the M-step on the host in float64
 * ({@link Gaussians}). It stops when the mean log-likelihood changes by less than {@code tol}.
 */
public final class GaussianMixture {
  /** Rows per tile of log densities when labelling. */
  private static final int TILE_ROWS = 1 << 16;

  private GaussianMixture() {}

  /** Fits a mixture; see {@link io.segmenta.Segmenta#gmm}. */
  public static GmmResult fit(ComputeBackend backend, Dataset data, GmmParams p, RunControl control) {
    long t0 = System.nanoTime();
    int k = p.k(), d = data.cols();
    long n = data.rows();
    if (k > n) throw new InvalidInputException("k = " + k + " is larger than the number of rows (" + n + ")");
    if (p.init() != null && p.init().d() != d) {
      throw new InvalidInputException("initial means have " + p.init().d() + " columns, the data has " + d);
    }
    FeatureScaling scaling = FeatureScaling.fit(p.scale(), p.log1p(), data);
    Dataset x = scaling.apply(data);

    // Starting parameters first (each K-Means run uploads the data itself), then the EM runs.
    Gaussians.Params[] starts = new Gaussians.Params[p.nInit()];
    SplittableRandom rng = new SplittableRandom(p.seed());
    for (int r = 0; r < starts.length; r++) {
      control.checkCancelled();
      starts[r] = p.init() != null ? given(p) : fromKMeans(backend, x, p, rng.nextLong(), control);
    }

    GmmComponents.Form form = p.covariance().form();
    try (DeviceMatrix dm = backend.upload(x.matrix(), x.weights())) {
      GmmStepResult res = new GmmStepResult(form, k, d);
      double[] lowerBounds = new double[starts.length];
      Run best = null;
      long emNanos = 0;
      int emIters = 0;
      for (int r = 0; r < starts.length; r++) {
        long te = System.nanoTime();
        Run run = em(backend, dm, starts[r], p, res, control);
        emNanos += System.nanoTime() - te;
        emIters += run.iterations;
        lowerBounds[r] = run.lowerBound;
        if (best == null || run.lowerBound > best.lowerBound) best = run;
      }
      // Score and labels under the returned parameters (the last M-step came after the last E-step).
      GmmComponents g = Gaussians.components(best.params, p.regCovar());
      backend.gmmStep(dm, g, res);
      int[] labels = labels(backend, dm, g);
      GmmModel model = new GmmModel(data.columns(), p.covariance(), best.params.weights(), best.params.means(),
          best.params.covariances(), p.regCovar(), scaling, best.lowerBound, res.logLikelihood, res.totalWeight, best.iterations,
          best.converged);
      return new GmmResult(model, labels, lowerBounds, backend.info(), (System.nanoTime() - t0) / 1e9, emNanos / 1e9, emIters);
    }
  }

  private record Run(Gaussians.Params params, double lowerBound, int iterations, boolean converged) {}

  private static Run em(ComputeBackend backend, DeviceMatrix dm, Gaussians.Params start, GmmParams p, GmmStepResult res,
                        RunControl control) {
    Gaussians.Params params = start;
    double lowerBound = Double.NEGATIVE_INFINITY;
    boolean converged = false;
    int it = 0;
    while (it < p.maxIter()) {
      control.checkCancelled();
      double prev = lowerBound;
      backend.gmmStep(dm, Gaussians.components(params, p.regCovar()), res);
      it++;
      lowerBound = res.logLikelihood / res.totalWeight;
      params = Gaussians.mStep(p.covariance(), res, p.regCovar());
      if (Math.abs(lowerBound - prev) < p.tol()) {
        converged = true;
        break;
      }
    }
    return new Run(params, lowerBound, it, converged);
  }

  /** Most probable component of every row (ties to the lowest index). */
  static int[] labels(ComputeBackend backend, DeviceMatrix dm, GmmComponents g) {
    int n = Math.toIntExact(dm.rows());
    int k = g.k();
    int[] labels = new int[n];
    int tile = Math.max(1, Math.min(n, TILE_ROWS));
    double[] buf = new double[tile * k];
    for (int from = 0; from < n; from += tile) {
      int cnt = Math.min(tile, n - from);
      backend.gmmLogDensities(dm, from, cnt, g, buf);
      for (int i = 0; i < cnt; i++) {
        int arg = 0;
        for (int c = 1; c < k; c++) if (buf[i * k + c] > buf[i * k + arg]) arg = c;
        labels[from + i] = arg;
      }
    }
    return labels;
  }

  /** The starting parameters given in {@code p.init()} (as the fit uses them). */
  public static Gaussians.Params given(GmmParams p) {
    GmmInit in = p.init();
    int k = in.k();
    double[][][] cov = new double[k][][];
    for (int c = 0; c < k; c++) cov[c] = in.covariance(c);
    return new Gaussians.Params(p.covariance(), in.weights(), in.means(), cov);
  }

  /**
   * scikit-learn's {@code init_params='kmeans'}: the labels of one K-Means run are the
   * responsibilities, and the first M-step turns them into parameters.
   */
  private static Gaussians.Params fromKMeans(ComputeBackend backend, Dataset x, GmmParams p, long seed, RunControl control) {
    int[] labels = KMeans.fit(backend, x, kmeansInit(p.k(), seed), control).labels();
    GmmComponents.Form form = p.covariance().form();
    return Gaussians.mStep(p.covariance(), hardMoments(x, labels, p.k(), form), p.regCovar());
  }

  /** The K-Means run behind the starting parameters of initialisation r: its seed is the r-th draw of {@code new SplittableRandom(seed)}. */
  public static KMeansParams kmeansInit(int k, long seed) {
    return KMeansParams.builder(k).nInit(1).seed(seed).build();
  }

  /** The moments of a pass whose responsibilities are 0/1 labels, in float64, about the column means. */
  static GmmStepResult hardMoments(Dataset x, int[] labels, int k, GmmComponents.Form form) {
    HostMatrix m = x.matrix();
    GmmStepResult s = new GmmStepResult(form, k, m.cols());
    double[] o = m.columnMeans();
    System.arraycopy(o, 0, s.origin, 0, o.length);
    addHardMoments(s, m, x.weights(), labels);
    return s;
  }

  /**
   * Adds the 0/1-responsibility moments of the rows of {@code m} (row i in component {@code
   * labels[i]}, weight {@code w[i]}, or 1 when {@code w} is null) about {@code s.origin} into
   * {@code s}, in row order. A distributed fit calls it per partition with the whole data's means
   * as the origin and adds the partials in partition order.
   */
  public static void addHardMoments(GmmStepResult s, HostMatrix m, float[] w, int[] labels) {
    int d = m.cols();
    GmmComponents.Form form = s.form();
    double[] o = s.origin;
    int block = 4096;
    float[] rows = new float[block * d];
    double[] v = new double[d];
    for (long from = 0; from < m.rows(); from += block) {
      int cnt = (int) Math.min(block, m.rows() - from);
      m.copyRows(from, cnt, rows, 0);
      for (int i = 0; i < cnt; i++) {
        int row = (int) (from + i);
        int c = labels[row];
        double wi = w == null ? 1 : w[row];
        s.weights[c] += wi;
        s.totalWeight += wi;
        for (int j = 0; j < d; j++) {
          v[j] = rows[i * d + j] - o[j];
          s.sums[c * d + j] += wi * v[j];
        }
        for (int a = 0; a < d; a++) {
          if (form == GmmComponents.Form.FULL) {
            for (int b = 0; b < d; b++) s.squares[(c * d + a) * d + b] += wi * v[a] * v[b];
          } else {
            s.squares[c * d + a] += wi * v[a] * v[a];
          }
        }
      }
    }
  }

  /**
   * For rows of {@code data} (already in the model's units: the facade applies the scaling), calls
   * {@code sink} with each tile's first row, row count and normalised log responsibilities
   * (row-major, k per row) and the rows' log-likelihoods.
   */
  public static void posterior(ComputeBackend backend, GmmModel model, Dataset x, PosteriorSink sink) {
    if (x.cols() != model.d()) {
      throw new InvalidInputException("the data has " + x.cols() + " columns, the model was fitted on " + model.d()
          + " (" + String.join(", ", model.columns()) + ")");
    }
    GmmComponents g = model.components();
    int k = g.k();
    int n = Math.toIntExact(x.rows());
    try (DeviceMatrix dm = backend.upload(x.matrix(), null)) {
      int tile = Math.max(1, Math.min(n, TILE_ROWS));
      double[] buf = new double[tile * k];
      double[] ll = new double[tile];
      for (int from = 0; from < n; from += tile) {
        int cnt = Math.min(tile, n - from);
        backend.gmmLogDensities(dm, from, cnt, g, buf);
        for (int i = 0; i < cnt; i++) {
          double m = Double.NEGATIVE_INFINITY;
          for (int c = 0; c < k; c++) m = Math.max(m, buf[i * k + c]);
          double s = 0;
          for (int c = 0; c < k; c++) s += Math.exp(buf[i * k + c] - m);
          double lse = m + Math.log(s);
          ll[i] = lse;
          for (int c = 0; c < k; c++) buf[i * k + c] -= lse;
        }
        sink.accept(from, cnt, buf, ll);
      }
    }
  }

  /** Receives one tile of {@link #posterior}. */
  @FunctionalInterface
  public interface PosteriorSink {
    void accept(int from, int count, double[] logResp, double[] logLikelihood);
  }
}
