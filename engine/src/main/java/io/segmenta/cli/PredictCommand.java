package io.segmenta.cli;

import io.segmenta.pipeline.RunDir;
import io.segmenta.pipeline.RunOutputs;

import io.segmenta.EngineOptions;
import io.segmenta.Segmenta;
import io.segmenta.data.Dataset;
import io.segmenta.data.MissingValues;
import io.segmenta.data.TableReader;
import io.segmenta.density.DbscanModel;
import io.segmenta.kmeans.KMeansModel;
import io.segmenta.mixture.GmmModel;
import io.segmenta.model.ModelFile;
import java.util.List;
import io.segmenta.kmeans.Prediction;
import io.segmenta.store.FeatureStore;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code segment predict}: assign new rows to a saved model's segments. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
    header = "Assign the rows of a feature table to the segments of a saved model (any algorithm's model.segm).",
    description = {"Writes, under --out: assignments.csv for every row and summary.json. The model's columns are read by name",
        "unless --columns is given, and the model's fitted preprocessing (log1p, scaling) is applied first.",
        "  K-Means and hierarchical models: id,segment,distance (nearest centroid, Euclidean in the scaled space)",
        "  Gaussian mixtures:               id,segment,probability (most probable component)",
        "  DBSCAN:                          id,segment (the nearest core point's cluster within eps, else -1)"}, usageHelpWidth = 110)
final class PredictCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "FILE", description = "A model.segm written by 'segment kmeans'.")
  Path model;

  @Mixin TableArgs table;

  @Option(names = "--store", paramLabel = "DIR", description = "Read the rows from a feature store instead of --input.")
  Path store;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Output directory (replaced as a whole when the run finishes; see segment kmeans --help).")
  Path out;

  @Option(names = "--force", description = "Write into --out even when it holds files that no Segmenta run wrote.")
  boolean force;

  @Option(names = "--backend", paramLabel = "BACKEND", defaultValue = "auto", description = "auto, cpu, scalar, cuda or opencl (default: ${DEFAULT-VALUE}).")
  String backend;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "0", description = "CPU threads (default: 0 = one per core).")
  int threads;

  @Option(names = "--progress", paramLabel = "WHEN", defaultValue = "auto",
      description = "Progress bars on stderr: auto (when stderr is a terminal), always or never (default: ${DEFAULT-VALUE}).")
  String progress;

  @Override
  public Integer call() throws Exception {
    if ((table.input != null ? 1 : 0) + (table.sql != null ? 1 : 0) + (store != null ? 1 : 0) != 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give exactly one of --input FILE, --sql QUERY and --store DIR");
    }
    ModelFile.Kind kind = Segmenta.modelKind(model);
    KMeansModel km = kind == ModelFile.Kind.KMEANS ? Segmenta.loadModel(model) : null;
    GmmModel gm = kind == ModelFile.Kind.GMM ? Segmenta.loadGmmModel(model) : null;
    DbscanModel dm = kind == ModelFile.Kind.DBSCAN ? Segmenta.loadDbscanModel(model) : null;
    List<String> columns = km != null ? km.columns() : gm != null ? gm.columns() : dm.columns();
    long t0 = System.nanoTime();
    Dataset data;
    FeatureStore fs = null;
    int segments;
    // The run directory first: rows that --missing drop leaves out are written into it (OUT/dropped.csv).
    try (RunDir stage = RunDir.open(out, force)) {
      MissingValues.Report missing = null;
      if (store != null) {
        fs = FeatureStore.open(store);
        if (!fs.columns().equals(columns)) {
          fs.close();
          throw new io.segmenta.InvalidInputException("the store at " + store + " has columns " + fs.columns() + ", the model was fitted on "
              + columns);
        }
        data = fs.dataset();
      } else {
        DataArgs.Table t = DataArgs.readTable(spec, table, columns, Cli.progress(spec, progress), stage);
        data = t.data();
        missing = t.missing();
      }
      try (FeatureStore closeMe = fs; Segmenta engine = Segmenta.open(new EngineOptions(Cli.backend(spec, backend), threads))) {
        Path dir = stage.path();
        String algorithm;
        if (km != null) {
          Prediction p = engine.assign(km, data);
          RunOutputs.writeAssignments(dir.resolve("assignments.csv"), data, p.labels(), p.squaredDistances());
          segments = km.k();
          algorithm = "kmeans";
        } else if (gm != null) {
          double[][] proba = engine.predictProba(gm, data);
          int[] labels = new int[proba.length];
          for (int i = 0; i < proba.length; i++) {
            for (int c = 1; c < gm.k(); c++) if (proba[i][c] > proba[i][labels[i]]) labels[i] = c;
          }
          RunOutputs.writeLabels(dir.resolve("assignments.csv"), data, labels, "probability", i -> Float.toString((float) proba[i][labels[i]]));
          segments = gm.k();
          algorithm = "gmm";
        } else {
          int[] labels = engine.predict(dm, data);
          RunOutputs.writeLabels(dir.resolve("assignments.csv"), data, labels, null, null);
          segments = dm.clusters();
          algorithm = "dbscan";
        }
        RunOutputs.Json j = RunOutputs.summary("predict", data, engine.backend(), store != null ? store : table.input, (System.nanoTime() - t0) / 1e9, 0);
        j.field("model", model.toString());
        j.field("model_algorithm", algorithm);
        j.field("segments", segments);
        RunOutputs.missing(j, missing);
        RunOutputs.finish(dir, j);
        stage.commit();
      }
    }
    spec.commandLine().getErr().printf("segment: %d rows assigned to %d segments; written to %s%n", data.rows(), segments,
        out.resolve("assignments.csv"));
    return SegmentCli.EXIT_OK;
  }
}
