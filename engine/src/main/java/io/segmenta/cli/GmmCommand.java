package io.segmenta.cli;

import io.segmenta.pipeline.RunDir;
import io.segmenta.pipeline.RunOutputs;

import io.segmenta.Segmenta;
import io.segmenta.mixture.CovarianceType;
import io.segmenta.mixture.GmmModel;
import io.segmenta.mixture.GmmParams;
import io.segmenta.mixture.GmmResult;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code segment gmm}: fit a Gaussian mixture and write the run's outputs. */
@Command(name = "gmm", mixinStandardHelpOptions = true, sortOptions = false,
    header = "Fit a Gaussian mixture (EM) to a feature table; write assignments, components and summary.",
    description = {"Fits a Gaussian mixture by expectation-maximisation (scikit-learn's GaussianMixture: K-Means initialisation,",
        "reg-covar, stop when the mean log-likelihood changes by less than --tol) and writes, under --out:",
        "  assignments.csv  id,segment,probability: each row's most probable component and its probability",
        "  components.csv   segment,size,weight,<columns...>: sizes, mixing weights and means in the input's units",
        "  bic.csv          k,log_likelihood,bic,aic for every k fitted (with --k auto)",
        "  summary.json     algorithm, k, covariance_type, log_likelihood, lower_bound, bic, aic, iterations, converged, ...",
        "  model.segm       the mixture with its scaling, for 'segment predict' (docs/model-format.md)"},
    usageHelpWidth = 120)
final class GmmCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DataArgs input;

  @Option(names = "--k", required = true, paramLabel = "K",
      description = "Components (>= 1), or auto (k = 2..10, the lowest BIC wins) or auto:MIN-MAX.")
  String k;

  @Option(names = "--covariance", paramLabel = "TYPE", defaultValue = "full",
      description = "full, tied, diag or spherical (default: ${DEFAULT-VALUE}).")
  String covariance;

  @Option(names = "--reg-covar", paramLabel = "R", defaultValue = "1e-6",
      description = "Added to every covariance's diagonal (default: ${DEFAULT-VALUE}).")
  double regCovar;

  @Option(names = "--tol", paramLabel = "TOL", defaultValue = "1e-3",
      description = "Stop when the mean log-likelihood changes by less than TOL (default: ${DEFAULT-VALUE}).")
  double tol;

  @Option(names = "--max-iter", paramLabel = "N", defaultValue = "100", description = "EM iterations per initialisation (default: ${DEFAULT-VALUE}).")
  int maxIter;

  @Option(names = "--n-init", paramLabel = "N", defaultValue = "1",
      description = "Initialisations, each from its own K-Means run; the highest lower bound wins (default: ${DEFAULT-VALUE}).")
  int nInit;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0", description = "Seed of the K-Means initialisations (default: ${DEFAULT-VALUE}).")
  long seed;

  @Mixin ScalingArgs scaling;

  @Mixin RunArgs run;

  @Override
  public Integer call() throws Exception {
    int[] range = KArgs.range(spec, k);
    CovarianceType type = CovarianceType.parse(covariance);
    try (RunDir stage = RunDir.open(run.out, run.force);
         DataArgs.Loaded in = input.load(spec, Cli.progress(spec, run.progress), stage);
         Segmenta engine = Segmenta.open(run.engineOptions(spec))) {
      long t0 = System.nanoTime();
      List<GmmResult> fits = new ArrayList<>();
      for (int kk = range[0]; kk <= range[1]; kk++) {
        fits.add(engine.gmm(in.data(), GmmParams.builder(kk).covariance(type).regCovar(regCovar).tol(tol).maxIter(maxIter).nInit(nInit)
            .seed(seed).scale(scaling.method()).log1p(scaling.log1p()).build()));
      }
      GmmResult best = fits.get(0);
      for (GmmResult r : fits) if (r.model().bic() < best.model().bic()) best = r;
      double seconds = (System.nanoTime() - t0) / 1e9;
      long writeStart = System.nanoTime();
      GmmModel m = best.model();
      if (range[0] != range[1]) {
        spec.commandLine().getErr().printf(Locale.ROOT, "segment: k = %d has the lowest BIC over k = %d..%d%n", m.k(), range[0], range[1]);
      }
      Path dir = stage.path();
      double[][] proba = engine.predictProba(m, in.data());
      int[] labels = best.labels();
      RunOutputs.writeLabels(dir.resolve("assignments.csv"), in.data(), labels, "probability", i -> Float.toString((float) proba[i][labels[i]]));
      long[] sizes = new long[m.k()];
      for (int l : labels) sizes[l]++;
      RunOutputs.atomically(dir.resolve("components.csv"), w -> {
        w.write("segment,size,weight");
        for (String c : m.columns()) w.write("," + RunOutputs.csvField(c));
        w.write("\n");
        double[][] means = m.means();
        for (int c = 0; c < m.k(); c++) {
          w.write(c + "," + sizes[c] + "," + RunOutputs.num(m.weights()[c]));
          for (double v : m.scaling().inverse(means[c])) w.write("," + RunOutputs.num(v));
          w.write("\n");
        }
      });
      if (fits.size() > 1) {
        RunOutputs.atomically(dir.resolve("bic.csv"), w -> {
          w.write("k,log_likelihood,bic,aic\n");
          for (GmmResult r : fits) {
            w.write(r.model().k() + "," + RunOutputs.num(r.model().logLikelihood()) + "," + RunOutputs.num(r.model().bic()) + ","
                + RunOutputs.num(r.model().aic()) + "\n");
          }
        });
      }
      Segmenta.saveModel(m, dir.resolve("model.segm"));
      RunOutputs.Json j = RunOutputs.summary("gmm", in.data(), engine.backend(), in.source(), seconds, in.readSeconds());
      RunOutputs.missing(j, in.missing());
      j.field("k", m.k());
      if (fits.size() > 1) j.field("k_selection", "lowest BIC over k = " + range[0] + ".." + range[1]);
      j.field("covariance_type", type.label());
      j.field("log_likelihood", m.logLikelihood());
      j.field("mean_log_likelihood", m.logLikelihood() / m.trainingWeight());
      j.field("lower_bound", m.lowerBound());
      j.field("bic", m.bic());
      j.field("aic", m.aic());
      j.field("parameters", m.parameters());
      j.field("iterations", m.iterations());
      j.field("converged", m.converged());
      j.field("seconds_per_iteration", best.secondsPerIteration());
      j.numbers("init_lower_bounds", best.lowerBounds());
      j.field("reg_covar", regCovar);
      j.field("tol", tol);
      j.field("max_iter", maxIter);
      j.field("n_init", nInit);
      j.field("seed", seed);
      j.field("scale", scaling.method().label());
      j.strings("log1p_columns", m.scaling().log1pColumns(m.columns()));
      j.longs("segment_sizes", sizes);
      RunOutputs.finish(dir, j, in.readSeconds(), seconds, writeStart);
      stage.commit();
      spec.commandLine().getOut().printf(Locale.ROOT, "GMM (%s): k = %d, mean log-likelihood %.6f, BIC %.2f, %d iterations%s; outputs in %s%n",
          type.label(), m.k(), m.logLikelihood() / m.trainingWeight(), m.bic(), m.iterations(), m.converged() ? "" : " (not converged)", run.out);
      return 0;
    }
  }
}
