package io.segmenta.cli;

import io.segmenta.pipeline.RunDir;
import io.segmenta.pipeline.RunOutputs;

import io.segmenta.Segmenta;
import io.segmenta.data.Dataset;
import io.segmenta.metrics.AdjustedRandIndex;
import io.segmenta.metrics.ClusterScores;
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

/** {@code segment evaluate}: the quality metrics of a segmentation. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
    header = "Score a segmentation: inertia, silhouette, Calinski-Harabasz, Davies-Bouldin; ARI and NMI against reference labels.",
    description = {"Reads the data (--input or --store) and the segments of its rows (--labels: any command's assignments.csv), and",
        "writes summary.json under --out with scikit-learn's definitions of: inertia (within-segment sum of squares), silhouette",
        "(exact on the active backend, or on --sample rows), Calinski-Harabasz, Davies-Bouldin, and, with --truth, the adjusted",
        "Rand index and normalised mutual information. Rows labelled -1 (DBSCAN noise) are left out of the internal metrics."},
    usageHelpWidth = 120)
final class EvaluateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DataArgs input;

  @Option(names = "--labels", required = true, paramLabel = "FILE", description = "id,segment per row, in the data's order.")
  Path labels;

  @Option(names = "--truth", paramLabel = "FILE", description = "Reference labels (id,segment) for ARI and NMI.")
  Path truth;

  @Option(names = "--sample", paramLabel = "N", defaultValue = "0",
      description = "Silhouette on N rows drawn uniformly (default: 0 = exact, every pair of rows).")
  int sample;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0", description = "Seed of the silhouette sample (default: ${DEFAULT-VALUE}).")
  long seed;

  @Mixin ScalingArgs scaling;

  @Mixin RunArgs run;

  @Override
  public Integer call() throws Exception {
    if (sample < 0) throw new ParameterException(spec.commandLine(), "--sample must be >= 0, got " + sample);
    try (RunDir stage = RunDir.open(run.out, run.force);
         DataArgs.Loaded in = input.load(spec, Cli.progress(spec, run.progress), stage);
         Segmenta engine = Segmenta.open(run.engineOptions(spec))) {
      long t0 = System.nanoTime();
      int[] all = LabelsFile.read(labels, in.data());
      Dataset x = FeatureScaling.fit(scaling.method(), scaling.log1p(), in.data()).apply(in.data());
      // Internal metrics on the rows that belong to a segment.
      int kept = 0;
      for (int l : all) if (l >= 0) kept++;
      int noise = all.length - kept;
      Dataset xs = x;
      int[] ls = all;
      if (noise > 0) {
        int d = x.cols();
        float[] vals = new float[kept * d];
        ls = new int[kept];
        for (int i = 0, o = 0; i < all.length; i++) {
          if (all[i] < 0) continue;
          x.matrix().copyRow(i, vals, o * d);
          ls[o++] = all[i];
        }
        xs = Dataset.ofRowMajor(vals, kept, d);
      }
      int k = 0;
      for (int l : ls) k = Math.max(k, l + 1);
      RunOutputs.Json j = RunOutputs.summary("evaluate", in.data(), engine.backend(), in.source(), 0, in.readSeconds());
      RunOutputs.missing(j, in.missing());
      j.field("labels", labels.toString());
      j.field("k", k);
      j.field("noise_rows_left_out", noise);
      j.field("scale", scaling.method().label());
      j.field("inertia", ClusterScores.inertia(xs, ls, k));
      if (k >= 2 && k < kept) {
        j.field("silhouette", sample > 0 ? engine.silhouette(xs, ls, Math.min(sample, kept), seed) : engine.silhouette(xs, ls));
        j.field("silhouette_rows", sample > 0 ? Math.min(sample, kept) : kept);
        ClusterScores.Internal scores = ClusterScores.internal(xs, ls);
        j.field("calinski_harabasz", scores.calinskiHarabasz());
        j.field("davies_bouldin", scores.daviesBouldin());
      } else {
        j.field("internal_metrics", "not defined for " + k + " segment(s) on " + kept + " rows (they need 2 <= k < n)");
      }
      if (truth != null) {
        int[] ref = LabelsFile.read(truth, in.data());
        j.field("truth", truth.toString());
        j.field("adjusted_rand_index", AdjustedRandIndex.of(ref, all));
        j.field("normalized_mutual_info", ClusterScores.nmi(ref, all));
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      j.field("evaluate_seconds", seconds);
      Path dir = stage.path();
      RunOutputs.finish(dir, j);
      stage.commit();
      spec.commandLine().getOut().printf("%s", j);
      return 0;
    }
  }
}
