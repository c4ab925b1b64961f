package io.segmenta.spark;

import io.segmenta.InvalidInputException;
import io.segmenta.kernels.GmmComponents;
import io.segmenta.kernels.GmmStepResult;
import io.segmenta.kmeans.CentroidUpdate;
import io.segmenta.kmeans.KMeansParams;
import io.segmenta.mixture.GaussianMixture;
import io.segmenta.mixture.Gaussians;
import io.segmenta.mixture.GmmModel;
import io.segmenta.mixture.GmmParams;
import io.segmenta.preprocess.FeatureScaling;
import io.segmenta.preprocess.Log1p;
import io.segmenta.preprocess.ScaleMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;

/**
 * The driver's side of a Gaussian mixture on Spark: the engine's EM loop ({@code
 * mixture.GaussianMixture}) with each backend pass replaced by one Spark job over the cached
 * partition blocks. Each task runs the backend's EM pass ({@code gmmStep}: E-step by log-sum-exp
 * and the moments) on its block and returns float64 partials, added in partition order; the
 * M-step, the precision factors and the stopping rule are the engine's ({@link Gaussians}).
 *
 * <p>The starting parameters are the engine's too: per initialisation, the engine's K-Means
 * (k-means++ and Lloyd, {@link SparkKMeansFit.Driver}) from the same seed, its labels turned into
 * moments on each block and into parameters by the first M-step; or the given ones.
 */
final class SparkGmmFit {
  private SparkGmmFit() {}

  /** What a fit is asked to do (validated by the estimator's params and {@link GmmParams}). */
  record Options(GmmParams params, String backend, int aggregationDepth, TaskFault fault) {}

  /** A fitted model with what a run summary reports. */
  record Result(GmmModel model, int partitions, long rows, double seconds, double emSeconds, int emIterations,
                double[] lowerBounds, List<Double> iterationLowerBounds) {}

  static Result fit(org.apache.spark.sql.Dataset<Row> df, Features f, Options o) {
    long t0 = System.nanoTime();
    GmmParams p = o.params();
    JavaRDD<FeatureBlock> raw = f.blocks(df);
    JavaRDD<FeatureBlock> blocks = raw;
    try {
      Features.Summary s = f.summarize(raw);
      int k = p.k();
      int d = f.d;
      if (k > s.rows()) throw new InvalidInputException("k = " + k + " is larger than the number of rows (" + s.rows() + ")");
      if (p.init() != null && p.init().d() != d) {
        throw new InvalidInputException("initial means have " + p.init().d() + " columns, the data has " + d);
      }
      FeatureScaling scaling = Scaling.fit(p.scale(), p.log1p(), f, s);
      if (!scaling.isIdentity()) blocks = Scaling.apply(raw, scaling);
      // Every partition is centred on the whole data's means, as the single-machine upload centres it.
      double[] centre = Features.centre(blocks, d, s.rows());
      Passes run = new Passes(blocks, centre, p.covariance().form(), k, d, o);

      Gaussians.Params[] starts = new Gaussians.Params[p.nInit()];
      SplittableRandom rng = new SplittableRandom(p.seed());
      for (int r = 0; r < starts.length; r++) {
        starts[r] = p.init() != null ? GaussianMixture.given(p) : run.fromKMeans(s, scaling, f.names, rng.nextLong());
      }
      long te = System.nanoTime();
      Em best = null;
      double[] lowerBounds = new double[starts.length];
      int emIters = 0;
      for (int r = 0; r < starts.length; r++) {
        Em em = run.em(starts[r]);
        lowerBounds[r] = em.lowerBound;
        emIters += em.iterations;
        if (best == null || em.lowerBound > best.lowerBound) best = em;
      }
      double emSeconds = (System.nanoTime() - te) / 1e9;
      // Score under the returned parameters (the last M-step came after the last E-step).
      GmmStepResult res = run.pass(Gaussians.components(best.params, p.regCovar()));
      GmmModel model = new GmmModel(f.names, p.covariance(), best.params.weights(), best.params.means(),
          best.params.covariances(), p.regCovar(), scaling, best.lowerBound, res.logLikelihood, res.totalWeight, best.iterations,
          best.converged);
      return new Result(model, s.counts().length, s.rows(), (System.nanoTime() - t0) / 1e9, emSeconds, emIters, lowerBounds,
          best.history);
    } finally {
      if (blocks != raw) blocks.unpersist(false);
      raw.unpersist(false);
    }
  }

  private record Em(Gaussians.Params params, double lowerBound, int iterations, boolean converged, List<Double> history) {}

  /** One fit's passes over the blocks. */
  static final class Passes {
    final JavaRDD<FeatureBlock> blocks;
    final double[] centre;
    final GmmComponents.Form form;
    final int k;
    final int d;
    final Options o;
    int pass;
    /** K-Means passes so far: every initialisation's Driver continues the numbering, so a block's kept pass is never mistaken. */
    int kmPasses;

    Passes(JavaRDD<FeatureBlock> blocks, double[] centre, GmmComponents.Form form, int k, int d, Options o) {
      this.blocks = blocks;
      this.centre = centre;
      this.form = form;
      this.k = k;
      this.d = d;
      this.o = o;
    }

    /** One EM pass over every partition under {@code g}, partials summed in partition order. */
    GmmStepResult pass(GmmComponents g) {
      int p = ++pass;
      String b = o.backend();
      double[] ctr = centre;
      TaskFault tf = o.fault();
      // GmmComponents is a plain record: its arrays travel, the task rebuilds it.
      GmmComponents.Form fm = g.form();
      int kk = g.k(), dd = g.d();
      double[] means = g.means(), pc = g.precisionCholesky(), ln = g.logNorm();
      TreeMap<Integer, GmmPartial> parts = blocks.treeAggregate(new TreeMap<Integer, GmmPartial>(), (acc, blk) -> {
        GmmPartial gp = blk.gmmStep(b, ctr, new GmmComponents(fm, kk, dd, means, pc, ln));
        if (tf != null) tf.check(p, blk.partition);
        acc.put(blk.partition, gp);
        return acc;
      }, (x, y) -> {
        x.putAll(y);
        return x;
      }, o.aggregationDepth());
      return GmmPartial.combine(parts, form, k, d, centre);
    }

    /** The engine's EM loop ({@code GaussianMixture.em}): one pass and one M-step per iteration. */
    Em em(Gaussians.Params start) {
      GmmParams p = o.params();
      Gaussians.Params params = start;
      double lowerBound = Double.NEGATIVE_INFINITY;
      boolean converged = false;
      int it = 0;
      List<Double> history = new ArrayList<>();
      while (it < p.maxIter()) {
        double prev = lowerBound;
        GmmStepResult res = pass(Gaussians.components(params, p.regCovar()));
        it++;
        lowerBound = res.logLikelihood / res.totalWeight;
        history.add(lowerBound);
        params = Gaussians.mStep(p.covariance(), res, p.regCovar());
        if (Math.abs(lowerBound - prev) < p.tol()) {
          converged = true;
          break;
        }
      }
      return new Em(params, lowerBound, it, converged, history);
    }

    /**
     * The engine's K-Means start ({@code GaussianMixture.fromKMeans}): one K-Means run with the
     * engine's parameters for this seed (k-means++, Lloyd to its tolerance), its final labels as
     * responsibilities, the first M-step.
     */
    Gaussians.Params fromKMeans(Features.Summary s, FeatureScaling scaling, List<String> names, long seed) {
      KMeansParams kp = GaussianMixture.kmeansInit(k, seed);
      SparkKMeansFit.Options ko = new SparkKMeansFit.Options(k, kp.maxIter(), kp.tol(), kp.seed(), "k-means++", 2, null,
          o.backend(), 0, ScaleMethod.NONE, Log1p.NONE, null);
      SparkKMeansFit.Driver km = new SparkKMeansFit.Driver(blocks, centre, s, k, d, ko);
      km.pass = kmPasses;
      double tolScaled = CentroidUpdate.scaledTolerance(kp.tol(), Scaling.scaledVariance(scaling, s));
      SplittableRandom rng = new SplittableRandom(kp.seed()).split(); // KMeans.fit's first restart
      double[] centers = km.kmeansPlusPlus(rng, names);
      SparkKMeansFit.Driver.Run r = km.lloyd(centers, kp.maxIter(), tolScaled);
      int kmPass = km.pass;
      kmPasses = km.pass;
      double[] cs = r.centers();
      String b = o.backend();
      double[] ctr = centre;
      int kk = k;
      GmmComponents.Form fm = form;
      TreeMap<Integer, GmmPartial> parts = blocks.treeAggregate(new TreeMap<Integer, GmmPartial>(), (acc, blk) -> {
        acc.put(blk.partition, blk.hardMoments(b, ctr, kmPass, cs, kk, fm));
        return acc;
      }, (x, y) -> {
        x.putAll(y);
        return x;
      }, o.aggregationDepth());
      GmmParams p = o.params();
      return Gaussians.mStep(p.covariance(), GmmPartial.combine(parts, form, k, d, centre), p.regCovar());
    }
  }
}
