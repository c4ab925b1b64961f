package io.segmenta.cli;

import io.segmenta.EngineOptions;
import io.segmenta.Segmenta;
import io.segmenta.data.Dataset;
import io.segmenta.data.TableReader;
import io.segmenta.kmeans.KMeansModel;
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
    header = "Assign the rows of a feature table to the segments of a saved model.",
    description = {"Writes id,segment,distance for every row to --out. The model's columns are read by name",
        "unless --columns is given, and the model's scaling is applied first."}, usageHelpWidth = 110)
final class PredictCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "FILE", description = "A model.segm written by 'segment kmeans'.")
  Path model;

  @Mixin TableArgs table;

  @Option(names = "--store", paramLabel = "DIR", description = "Read the rows from a feature store instead of --input.")
  Path store;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Output CSV: id,segment,distance.")
  Path out;

  @Option(names = "--backend", paramLabel = "BACKEND", defaultValue = "auto", description = "auto, cpu, scalar, cuda or opencl (default: ${DEFAULT-VALUE}).")
  String backend;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "0", description = "CPU threads (default: 0 = one per core).")
  int threads;

  @Option(names = "--progress", paramLabel = "WHEN", defaultValue = "auto",
      description = "Progress bars on stderr: auto (when stderr is a terminal), always or never (default: ${DEFAULT-VALUE}).")
  String progress;

  @Override
  public Integer call() throws Exception {
    if ((table.input == null) == (store == null)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give exactly one of --input FILE and --store DIR");
    }
    KMeansModel m = Segmenta.loadModel(model);
    Dataset data;
    FeatureStore fs = null;
    if (store != null) {
      fs = FeatureStore.open(store);
      if (!fs.columns().equals(m.columns())) {
        fs.close();
        throw new io.segmenta.InvalidInputException("the store at " + store + " has columns " + fs.columns() + ", the model was fitted on "
            + m.columns());
      }
      data = fs.dataset();
    } else {
      try (Progress p = Progress.bytes("Reading " + table.input.getFileName(), table.input, !Cli.progress(spec, progress), spec.commandLine().getErr())) {
        data = TableReader.read(table.input, table.options(m.columns()), p::stepTo);
        p.done();
      }
    }
    try (FeatureStore closeMe = fs; Segmenta engine = Segmenta.open(new EngineOptions(Cli.backend(spec, backend), threads))) {
      Prediction p = engine.assign(m, data);
      RunOutputs.writeAssignments(out, data, p.labels(), p.squaredDistances());
    }
    spec.commandLine().getErr().printf("segment: %d rows assigned to %d segments; written to %s%n", data.rows(), m.k(), out);
    return SegmentCli.EXIT_OK;
  }
}
