package io.segmenta.cli;

import io.segmenta.InvalidInputException;
import io.segmenta.insights.ProfileReport;
import io.segmenta.kmeans.Init;
import io.segmenta.kmeans.KMeansModel;
import io.segmenta.pipeline.KMeansJob;
import io.segmenta.pipeline.KMeansPipeline;
import io.segmenta.pipeline.KMeansRun;
import io.segmenta.pipeline.Source;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code segment kmeans}: fit K-Means on a feature table and write the run's outputs. */
@Command(name = "kmeans", mixinStandardHelpOptions = true, sortOptions = false,
    header = "Fit K-Means to a feature table; write assignments, centroids, summary and model.",
    description = {"Fits K-Means to a feature table and writes, under --out:",
        "  assignments.csv  id,segment,distance for every row (segments from 0; Euclidean distance in the clustering space)",
        "  centroids.csv    segment,size,<columns...>: the centroids in the input's units",
        "  summary.json     algorithm, k, n, d, inertia, iterations, converged, backend, device, seconds, ...",
        "  model.segm       the model, for 'segment predict' and Segmenta.loadModel (docs/model-format.md)"},
    usageHelpWidth = 120)
final class KMeansCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin TableArgs table;

  @Option(names = "--transactions", paramLabel = "FILE",
      description = "Segment customers straight from a transaction log: its per-customer features (as 'segment rfm') go into the "
          + "store DIR/store, which is then clustered and gets the published assignments. Needs --preset; --format applies "
          + "(default auto: semicolon logs with decimal commas are detected).")
  Path transactions;

  @Option(names = "--preset", paramLabel = "NAME", description = "Transaction log layout for --transactions: online-retail, cdnow or groceries.")
  String preset;

  @Option(names = "--store", paramLabel = "DIR",
      description = "Read the rows from a feature store (segment ingest) instead of --input; the run's assignments are then "
          + "published into the store for 'segment lookup' and Segmenta.lookup.")
  Path store;

  @Mixin Params params;

  @Mixin ScalingArgs scaling;

  @Mixin RunArgs run;

  @Mixin InsightArgs insight;

  static final class Params {
    @Option(names = "--k", required = true, paramLabel = "K",
        description = "Number of segments (>= 1, at most the number of distinct rows), or auto (k = 2..10 by the elbow of the inertia "
            + "curve, Kneedle rule; the curve is plotted) or auto:MIN-MAX.")
    String k;

    @Option(names = "--init", paramLabel = "INIT", defaultValue = "k-means++",
        description = "k-means++ (greedy, 2 + ln k candidates), k-means|| (a few sampling passes, for 10^8 rows), random, or a file of "
            + "k starting centroids in the input's units (default: ${DEFAULT-VALUE}).")
    String init;

    @Option(names = "--n-init", paramLabel = "N", defaultValue = "0",
        description = "Restarts; the lowest inertia wins (default: auto = 10 for random, 1 otherwise).")
    int nInit;

    @Option(names = "--max-iter", paramLabel = "N", defaultValue = "300", description = "Lloyd iterations per restart (default: ${DEFAULT-VALUE}).")
    int maxIter;

    @Option(names = "--tol", paramLabel = "TOL", defaultValue = "1e-4",
        description = "Stop when the centroid shift is at most TOL times the mean column variance (default: ${DEFAULT-VALUE}).")
    double tol;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0", description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--swaps", paramLabel = "N", defaultValue = "0",
        description = "Quality mode: N random-swap trials after each restart (each costs two passes over the data); finds clusters "
            + "that k-means++ misses. 5000 reached Centroid Index 0 on every UEF benchmark set (benchmarks/RESULTS.md). Default: 0, off.")
    int swaps;

    @Option(names = "--mini-batch", description = "Mini-batch K-Means (for 10^8 rows): random batches of --batch-size rows move the "
        + "centroids to running means; k-means|| seeding unless --init k-means++ (on a sample); one full pass labels every row.")
    boolean miniBatch;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "1024", description = "Rows per mini-batch step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--max-steps", paramLabel = "N", defaultValue = "10000",
        description = "Mini-batch steps at most; it stops earlier after 10 steps without a better smoothed batch inertia (default: ${DEFAULT-VALUE}).")
    int maxSteps;

  }

  @Override
  public Integer call() throws Exception {
    int sources = (table.input != null ? 1 : 0) + (table.sql != null ? 1 : 0) + (store != null ? 1 : 0) + (transactions != null ? 1 : 0);
    if (sources != 1) throw new ParameterException(spec.commandLine(), "give exactly one of --input FILE, --sql QUERY, --store DIR and --transactions FILE");
    if (transactions != null && preset == null) {
      throw new ParameterException(spec.commandLine(), "--transactions needs --preset (online-retail, cdnow or groceries)");
    }
    if (table.input == null && table.sql == null && (table.columns != null || table.idColumn != null || table.weightColumn != null || table.header != null)) {
      throw new ParameterException(spec.commandLine(), "--columns, --id-column, --weight-column and --header apply to --input, not --store");
    }
    DataArgs.textOptionsRefused(spec, table);
    KMeansJob job = job();
    PrintWriter err = spec.commandLine().getErr();
    KMeansPipeline pipeline = new KMeansPipeline(job, Progress.events(spec, run));
    Thread hook = new Thread(pipeline::cancel, "segment-cancel");
    Runtime.getRuntime().addShutdownHook(hook);
    KMeansRun r;
    try {
      r = pipeline.run();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the JVM is already exiting; the run was cancelled.
      }
    }
    spec.commandLine().getOut().print(ProfileReport.table(r.profiles(), r.columns()));
    spec.commandLine().getOut().flush();
    KMeansModel m = r.result().model();
    err.printf(Locale.ROOT, "segment: %d rows, %d segments, inertia %.6g, %d iterations%s; outputs in %s%n",
        r.result().labels().length, m.k(), m.inertia(), m.iterations(), m.converged() ? "" : " (not converged: raise --max-iter)", run.out);
    if (run.verbose) {
      err.print("segment: phases (seconds)\n" + r.phases().describe());
      err.flush();
    }
    return SegmentCli.EXIT_OK;
  }

  /** The request the options describe. */
  private KMeansJob job() {
    Source source = transactions != null ? new Source.Transactions(transactions, preset, io.segmenta.data.TextFormat.parse(table.format))
        : store != null ? new Source.Store(store)
        : table.sql != null ? new Source.Sql(table.sql, table.options(List.of(), run.out.resolve("dropped.csv")))
        : new Source.Table(table.input, table.options(List.of(), run.out.resolve("dropped.csv")));
    int[] range = KArgs.range(spec, params.k);
    KMeansJob.Builder b = KMeansJob.builder(source, run.out).force(run.force).kRange(range[0], range[1])
        .nInit(params.nInit).maxIter(params.maxIter).tol(params.tol).seed(params.seed).swaps(params.swaps)
        .miniBatch(params.miniBatch).batchSize(params.batchSize).maxSteps(params.maxSteps)
        .scale(scaling.method()).log1p(scaling.log1p()).engine(run.engineOptions(spec))
        .names(insight.names).riskMultiple(insight.riskMultiple);
    if (spec.commandLine().getParseResult().hasMatchedOption("--init")) {
      Init init = initMethod(params.init);
      if (init == Init.GIVEN) b.initialCentroids(Path.of(params.init.strip()));
      else b.init(init);
    }
    return b.build();
  }

  private Init initMethod(String s) {
    String v = s.strip();
    try {
      Init m = Init.parse(v);
      if (m == Init.GIVEN) throw new ParameterException(spec.commandLine(), "--init: give a centroids file, not 'given'");
      return m;
    } catch (InvalidInputException e) {
      if (Files.isRegularFile(Path.of(v))) return Init.GIVEN;
      throw new ParameterException(spec.commandLine(), "--init: '" + v + "' is neither k-means++, k-means||, random, nor an existing centroids file");
    }
  }
}
