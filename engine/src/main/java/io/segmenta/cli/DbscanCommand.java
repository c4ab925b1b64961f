package io.segmenta.cli;

import io.segmenta.pipeline.RunDir;
import io.segmenta.pipeline.RunOutputs;

import io.segmenta.Segmenta;
import io.segmenta.data.Dataset;
import io.segmenta.density.Dbscan;
import io.segmenta.preprocess.FeatureScaling;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code segment dbscan}: density-based clustering with noise. */
@Command(name = "dbscan", mixinStandardHelpOptions = true, sortOptions = false,
    header = "DBSCAN: density-based clusters and noise; write assignments and summary.",
    description = {"Clusters rows that have at least --min-pts rows (themselves included) within --eps, as scikit-learn's DBSCAN,",
        "and writes, under --out:",
        "  assignments.csv  id,segment,core: segment -1 is noise; core is 1 for core points",
        "  summary.json     algorithm, eps, min_pts, clusters, noise, ...",
        "  model.segm       core points, eps and scaling, for 'segment predict': a new row joins its nearest core point's cluster",
        "                   when that point is within eps, else it is noise"},
    usageHelpWidth = 120)
final class DbscanCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DataArgs input;

  @Option(names = "--eps", required = true, paramLabel = "EPS", description = "Neighbourhood radius (Euclidean, after scaling).")
  double eps;

  @Option(names = "--min-pts", paramLabel = "N", defaultValue = "5",
      description = "Rows within eps (the row included) that make a core point (default: ${DEFAULT-VALUE}).")
  int minPts;

  @Mixin ScalingArgs scaling;

  @Mixin RunArgs run;

  @Override
  public Integer call() throws Exception {
    try (RunDir stage = RunDir.open(run.out, run.force);
         DataArgs.Loaded in = input.load(spec, Cli.progress(spec, run.progress), stage);
         Segmenta engine = Segmenta.open(run.engineOptions(spec))) {
      long t0 = System.nanoTime();
      FeatureScaling fitted = FeatureScaling.fit(scaling.method(), scaling.log1p(), in.data());
      Dataset x = fitted.apply(in.data());
      Dbscan.Result r = engine.dbscan(x, eps, minPts);
      double seconds = (System.nanoTime() - t0) / 1e9;
      long writeStart = System.nanoTime();
      long noise = 0;
      long[] sizes = new long[r.clusters()];
      for (int l : r.labels()) {
        if (l < 0) noise++;
        else sizes[l]++;
      }
      Path dir = stage.path();
      RunOutputs.writeLabels(dir.resolve("assignments.csv"), in.data(), r.labels(), "core", i -> r.core()[i] ? "1" : "0");
      Segmenta.saveModel(io.segmenta.density.DbscanModel.of(in.data().columns(), fitted, x, r, eps, minPts), dir.resolve("model.segm"));
      RunOutputs.Json j = RunOutputs.summary("dbscan", in.data(), null, in.source(), seconds, in.readSeconds());
      RunOutputs.missing(j, in.missing());
      j.field("eps", eps);
      j.field("min_pts", minPts);
      j.field("clusters", r.clusters());
      j.field("noise", noise);
      long core = 0;
      for (boolean c : r.core()) if (c) core++;
      j.field("core_points", core);
      j.field("index", x.cols() <= 3 ? "grid" : x.cols() < Dbscan.PAIRWISE_FROM_D ? "k-d tree" : "pairwise kernel on " + engine.backend().name());
      j.field("scale", scaling.method().label());
      j.longs("segment_sizes", sizes);
      RunOutputs.finish(dir, j, in.readSeconds(), seconds, writeStart);
      stage.commit();
      spec.commandLine().getOut().printf(Locale.ROOT, "DBSCAN: %d clusters, %d noise rows of %d; outputs in %s%n", r.clusters(), noise,
          in.data().rows(), run.out);
      return 0;
    }
  }
}
