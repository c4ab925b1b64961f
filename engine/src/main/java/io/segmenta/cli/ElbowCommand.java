package io.segmenta.cli;

import io.segmenta.pipeline.RunDir;
import io.segmenta.pipeline.RunOutputs;

import io.segmenta.Segmenta;
import io.segmenta.insights.Charts;
import io.segmenta.kmeans.ChooseK;
import io.segmenta.kmeans.KMeansParams;
import io.segmenta.kmeans.KMeansResult;
import io.segmenta.mixture.CovarianceType;
import io.segmenta.mixture.GmmParams;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code segment elbow}: sweep k and choose it by a stated rule. */
@Command(name = "elbow", mixinStandardHelpOptions = true, sortOptions = false,
    header = "Sweep k: inertia (elbow by Kneedle), silhouette, or GMM BIC; write the curve, its chart and the chosen k.",
    description = {"Fits K-Means (and, for --rule bic, a full-covariance Gaussian mixture) for every k in --k and writes, under --out:",
        "  elbow.csv        k,inertia[,silhouette][,bic]",
        "  charts/elbow.*   the inertia curve with the chosen k marked (PNG and SVG)",
        "  summary.json     the rule, the chosen k and the curve",
        "Rules: inertia = the knee of the inertia curve by the Kneedle method (the same rule as 'segment kmeans --k auto');",
        "silhouette = the k with the highest silhouette (exact, or on --sample rows); bic = the k with the lowest GMM BIC."},
    usageHelpWidth = 120)
final class ElbowCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DataArgs input;

  @Option(names = "--k", paramLabel = "MIN-MAX", defaultValue = "2-10", description = "The k to sweep (default: ${DEFAULT-VALUE}).")
  String k;

  @Option(names = "--rule", paramLabel = "RULE", defaultValue = "inertia", description = "inertia, silhouette or bic (default: ${DEFAULT-VALUE}).")
  String rule;

  @Option(names = "--sample", paramLabel = "N", defaultValue = "10000",
      description = "Rows for the silhouette (default: ${DEFAULT-VALUE}; 0 = exact, every pair).")
  int sample;

  @Option(names = "--n-init", paramLabel = "N", defaultValue = "3", description = "K-Means restarts per k (default: ${DEFAULT-VALUE}).")
  int nInit;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0", description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
  long seed;

  @Mixin ScalingArgs scaling;

  @Mixin RunArgs run;

  @Override
  public Integer call() throws Exception {
    String r = rule.strip().toLowerCase(Locale.ROOT);
    if (!List.of("inertia", "silhouette", "bic").contains(r)) {
      throw new ParameterException(spec.commandLine(), "--rule: expected inertia, silhouette or bic, got '" + rule + "'");
    }
    int[] range = KArgs.range(spec, k.contains("-") && !k.startsWith("auto") ? "auto:" + k : k);
    if (range[0] == range[1]) throw new ParameterException(spec.commandLine(), "--k needs a range MIN-MAX, got " + k);
    if (r.equals("silhouette") && range[0] < 2) throw new ParameterException(spec.commandLine(), "--rule silhouette needs k >= 2");
    try (RunDir stage = RunDir.open(run.out, run.force);
         DataArgs.Loaded in = input.load(spec, Cli.progress(spec, run.progress), stage);
         Segmenta engine = Segmenta.open(run.engineOptions(spec))) {
      long t0 = System.nanoTime();
      List<ChooseK.Point> curve = new ArrayList<>();
      List<Double> sil = new ArrayList<>(), bic = new ArrayList<>();
      for (int kk = range[0]; kk <= range[1]; kk++) {
        KMeansResult res = engine.kmeans(in.data(), KMeansParams.builder(kk).nInit(nInit).seed(seed).scale(scaling.method())
            .log1p(scaling.log1p()).build());
        curve.add(new ChooseK.Point(kk, res.model().inertia(), res));
        if (r.equals("silhouette")) {
          io.segmenta.data.Dataset x = res.model().scaling().apply(in.data());
          sil.add(sample > 0 && sample < x.rows() ? engine.silhouette(x, res.labels(), sample, seed) : engine.silhouette(x, res.labels()));
        }
        if (r.equals("bic")) {
          bic.add(engine.gmm(in.data(), GmmParams.builder(kk).covariance(CovarianceType.FULL).seed(seed).scale(scaling.method())
              .log1p(scaling.log1p()).build()).model().bic());
        }
      }
      int chosen = switch (r) {
        case "silhouette" -> curve.get(argBest(sil, true)).k();
        case "bic" -> curve.get(argBest(bic, false)).k();
        default -> ChooseK.elbow(curve);
      };
      double seconds = (System.nanoTime() - t0) / 1e9;
      long writeStart = System.nanoTime();
      Path dir = stage.path();
      RunOutputs.atomically(dir.resolve("elbow.csv"), w -> {
        w.write("k,inertia" + (sil.isEmpty() ? "" : ",silhouette") + (bic.isEmpty() ? "" : ",bic") + "\n");
        for (int i = 0; i < curve.size(); i++) {
          w.write(curve.get(i).k() + "," + RunOutputs.num(curve.get(i).inertia()) + (sil.isEmpty() ? "" : "," + RunOutputs.num(sil.get(i)))
              + (bic.isEmpty() ? "" : "," + RunOutputs.num(bic.get(i))) + "\n");
        }
      });
      Charts.elbow(curve, chosen, dir.resolve("charts"));
      RunOutputs.Json j = RunOutputs.summary("elbow", in.data(), engine.backend(), in.source(), seconds, in.readSeconds());
      RunOutputs.missing(j, in.missing());
      j.field("rule", switch (r) {
        case "silhouette" -> "highest silhouette" + (sample > 0 ? " (on " + sample + " sampled rows)" : " (exact)");
        case "bic" -> "lowest BIC of a full-covariance Gaussian mixture";
        default -> "knee of the inertia curve (Kneedle)";
      });
      j.field("chosen_k", chosen);
      j.numbers("k", curve.stream().mapToDouble(ChooseK.Point::k).toArray());
      j.numbers("inertia", curve.stream().mapToDouble(ChooseK.Point::inertia).toArray());
      if (!sil.isEmpty()) j.numbers("silhouette", sil.stream().mapToDouble(Double::doubleValue).toArray());
      if (!bic.isEmpty()) j.numbers("bic", bic.stream().mapToDouble(Double::doubleValue).toArray());
      j.field("scale", scaling.method().label());
      RunOutputs.finish(dir, j, in.readSeconds(), seconds, writeStart);
      stage.commit();
      spec.commandLine().getOut().printf(Locale.ROOT, "k = %d (%s over k = %d..%d); curve in %s%n", chosen, r, range[0], range[1],
          run.out.resolve("elbow.csv"));
      return 0;
    }
  }

  private static int argBest(List<Double> v, boolean max) {
    int best = 0;
    for (int i = 1; i < v.size(); i++) if (max ? v.get(i) > v.get(best) : v.get(i) < v.get(best)) best = i;
    return best;
  }
}
