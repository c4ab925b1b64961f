package io.segmenta.cli;

import io.segmenta.pipeline.RunDir;
import io.segmenta.pipeline.RunOutputs;

import io.segmenta.Segmenta;
import io.segmenta.data.Dataset;
import io.segmenta.hierarchy.Hierarchical;
import io.segmenta.hierarchy.Linkage;
import io.segmenta.preprocess.FeatureScaling;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code segment hierarchical}: agglomerative clustering, cut at k clusters or at a height. */
@Command(name = "hierarchical", mixinStandardHelpOptions = true, sortOptions = false,
    header = "Agglomerative hierarchical clustering (Ward, complete, average, single); write assignments, linkage and summary.",
    description = {"Builds the whole hierarchy (NN-chain, O(n^2) time; single linkage by a minimum spanning tree), cuts it at --k",
        "clusters or at --height, and writes, under --out:",
        "  assignments.csv  id,segment for every row",
        "  linkage.csv      a,b,height,size: SciPy's linkage matrix (row i makes cluster n + i)",
        "  summary.json     algorithm, linkage, k, cut height, mode, ...",
        "  model.segm       each cluster's mean with the scaling, for 'segment predict' (new rows join the nearest mean)",
        "Exact mode keeps n(n-1)/2 distances in memory, so it stops at --max-rows (20,000 by default: 1.6 GB). Past it, use",
        "--micro-clusters M: K-Means first summarises the rows into M weighted micro-clusters (1,000 to 10,000 keeps the",
        "detail), then the hierarchy is built over them; linkage.csv then describes the micro-clusters (sizes count rows)."},
    usageHelpWidth = 120)
final class HierarchicalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DataArgs input;

  @Option(names = "--linkage", paramLabel = "METHOD", defaultValue = "ward",
      description = "ward, complete, average or single (default: ${DEFAULT-VALUE}).")
  String linkage;

  @Option(names = "--k", paramLabel = "K", description = "Cut into K clusters.")
  Integer k;

  @Option(names = "--height", paramLabel = "H", description = "Cut at this merge height instead (merges at or below it are kept).")
  Double height;

  @Option(names = "--max-rows", paramLabel = "N", defaultValue = "20000",
      description = "Row limit of the exact mode (default: ${DEFAULT-VALUE}); memory is n(n-1)/2 x 8 bytes.")
  int maxRows;

  @Option(names = "--micro-clusters", paramLabel = "M",
      description = "Two-stage mode: cluster M weighted K-Means micro-clusters instead of the rows (2..10000).")
  Integer micro;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0", description = "Seed of the micro-clusters' K-Means (default: ${DEFAULT-VALUE}).")
  long seed;

  @Mixin ScalingArgs scaling;

  @Mixin RunArgs run;

  @Override
  public Integer call() throws Exception {
    if ((k == null) == (height == null)) throw new ParameterException(spec.commandLine(), "give exactly one of --k K and --height H");
    Linkage method = Linkage.parse(linkage);
    try (RunDir stage = RunDir.open(run.out, run.force);
         DataArgs.Loaded in = input.load(spec, Cli.progress(spec, run.progress), stage);
         Segmenta engine = Segmenta.open(run.engineOptions(spec))) {
      long t0 = System.nanoTime();
      FeatureScaling fitted = FeatureScaling.fit(scaling.method(), scaling.log1p(), in.data());
      Dataset x = fitted.apply(in.data());
      double[][] z;
      int[] labels;
      if (micro != null) {
        Hierarchical.TwoStage ts = engine.hierarchicalTwoStage(x, method, micro, seed);
        z = ts.z();
        labels = k != null ? ts.cut(k) : ts.cutAt(height);
      } else {
        if (x.rows() > maxRows) {
          throw new ParameterException(spec.commandLine(), x.rows() + " rows is over the exact mode's limit of --max-rows " + maxRows
              + " (its distance matrix would take " + String.format(Locale.ROOT, "%.1f GB", x.rows() * (x.rows() - 1) / 2.0 * 8 / 1e9)
              + "); use the two-stage mode, --micro-clusters M (1,000 to 10,000), or raise --max-rows");
        }
        z = Hierarchical.linkage(x, method, maxRows);
        labels = k != null ? Hierarchical.cut(z, k) : Hierarchical.cutAt(z, height);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      long writeStart = System.nanoTime();
      int clusters = 0;
      for (int l : labels) clusters = Math.max(clusters, l + 1);
      long[] sizes = new long[clusters];
      for (int l : labels) sizes[l]++;
      Path dir = stage.path();
      RunOutputs.writeLabels(dir.resolve("assignments.csv"), in.data(), labels, null, null);
      double[][] zz = z;
      RunOutputs.atomically(dir.resolve("linkage.csv"), w -> {
        w.write("a,b,height,size\n");
        for (double[] r : zz) w.write((long) r[0] + "," + (long) r[1] + "," + RunOutputs.num(r[2]) + "," + RunOutputs.num(r[3]) + "\n");
      });
      // The model for new rows: each cluster's mean (scaled), assigned by the nearest mean.
      double[][] means = new double[clusters][x.cols()];
      float[] row = new float[x.cols()];
      for (int i = 0; i < labels.length; i++) {
        x.matrix().copyRow(i, row, 0);
        for (int t = 0; t < row.length; t++) means[labels[i]][t] += row[t] / sizes[labels[i]];
      }
      Segmenta.saveModel(new io.segmenta.kmeans.KMeansModel(in.data().columns(), means, fitted, io.segmenta.metrics.ClusterScores.inertia(x, labels, clusters), 0,
          true, x.rows(), io.segmenta.kmeans.KMeansParams.builder(clusters).scale(scaling.method()).log1p(scaling.log1p()).build()),
          dir.resolve("model.segm"));
      RunOutputs.Json j = RunOutputs.summary("hierarchical", in.data(), micro != null ? engine.backend() : null, in.source(), seconds,
          in.readSeconds());
      RunOutputs.missing(j, in.missing());
      j.field("linkage", method.name().toLowerCase(Locale.ROOT));
      j.field("mode", micro != null ? "two-stage: " + (z.length + 1) + " weighted K-Means micro-clusters" : "exact");
      j.field("k", clusters);
      if (height != null) j.field("cut_height", height);
      else j.field("cut_height", z.length >= clusters ? z[z.length - clusters][2] : 0);
      j.field("scale", scaling.method().label());
      j.longs("segment_sizes", sizes);
      RunOutputs.finish(dir, j, in.readSeconds(), seconds, writeStart);
      stage.commit();
      spec.commandLine().getOut().printf(Locale.ROOT, "Hierarchical (%s, %s): %d clusters; outputs in %s%n", method.name().toLowerCase(Locale.ROOT),
          micro != null ? "two-stage" : "exact", clusters, run.out);
      return 0;
    }
  }
}
