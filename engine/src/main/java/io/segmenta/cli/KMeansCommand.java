package io.segmenta.cli;

import io.segmenta.EngineOptions;
import io.segmenta.InvalidInputException;
import io.segmenta.Segmenta;
import io.segmenta.data.Dataset;
import io.segmenta.data.TableOptions;
import io.segmenta.data.TableOptions;
import io.segmenta.data.TableReader;
import io.segmenta.kernels.BackendChoice;
import io.segmenta.kmeans.Init;
import io.segmenta.kmeans.KMeansParams;
import io.segmenta.kmeans.KMeansResult;
import io.segmenta.preprocess.Log1p;
import io.segmenta.preprocess.ScaleMethod;
import io.segmenta.ingest.RfmIngest;
import io.segmenta.ingest.TransactionLayout;
import io.segmenta.insights.Charts;
import io.segmenta.insights.EarlyWarning;
import io.segmenta.insights.Migration;
import io.segmenta.store.PreviousRun;
import io.segmenta.insights.SegmentProfile;
import io.segmenta.kmeans.ChooseK;
import io.segmenta.insights.TopProducts;
import io.segmenta.run.RunControl;
import io.segmenta.store.PublishedAssignments;
import io.segmenta.store.FeatureStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
          + "store DIR/store, which is then clustered and gets the published assignments. Needs --preset.")
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

  /** The output directory as the user named it (run.out points at the staging directory while the run writes). */
  private Path shownOut;

  @Override
  public Integer call() throws Exception {
    shownOut = run.out;
    try (RunDir stage = RunDir.open(run.out, run.force)) {
      run.out = stage.path();
      int rc = run();
      stage.commit();
      return rc;
    } finally {
      run.out = shownOut;
    }
  }

  /** Where a file under the output directory will be once the run has finished. */
  private Path shown(Path p) {
    return p.startsWith(run.out) ? shownOut.resolve(run.out.relativize(p)) : p;
  }

  private int run() throws Exception {
    BackendChoice backend = Cli.backend(spec, run.backend);
    if (run.threads < 0) throw new ParameterException(spec.commandLine(), "--threads must be >= 0, got " + run.threads);
    int sources = (table.input != null ? 1 : 0) + (table.sql != null ? 1 : 0) + (store != null ? 1 : 0) + (transactions != null ? 1 : 0);
    if (sources != 1) throw new ParameterException(spec.commandLine(), "give exactly one of --input FILE, --sql QUERY, --store DIR and --transactions FILE");
    if (transactions != null) {
      if (preset == null) throw new ParameterException(spec.commandLine(), "--transactions needs --preset (online-retail, cdnow or groceries)");
      store = run.out.resolve("store");
      // The store is rebuilt with the run; it keeps the previous run's published assignments (migration, early warning).
      PublishedAssignments.carryOver(shownOut.resolve("store"), store);
      Path rej = run.out.resolve("rejects.csv");
      RfmIngest.Report r;
      try (Progress p = Progress.bytes("Aggregating " + transactions.getFileName(), transactions, !Cli.progress(spec, run.progress),
          spec.commandLine().getErr())) {
        r = io.segmenta.ingest.RfmSql.run(io.segmenta.ingest.RfmSql.Engine.AUTO, transactions, TransactionLayout.preset(preset), null,
            TableReader.Malformed.FAIL, rej, store, true, p::stepTo);
        p.done();
      }
      spec.commandLine().getErr().printf(java.util.Locale.ROOT, "segment: %d transaction lines -> %d customers x %d features in %s%s%n",
          r.lines(), r.customers(), r.features().size(), shown(store),
          r.withoutCustomer() > 0 ? "; " + r.withoutCustomer() + " lines without a customer id excluded (see " + shown(rej) + ")" : "");
    }
    if (store != null && (table.columns != null || table.idColumn != null || table.weightColumn != null || table.header != null)) {
      throw new ParameterException(spec.commandLine(), "--columns, --id-column, --weight-column and --header apply to --input, not --store");
    }
    long t0 = System.nanoTime();
    Dataset data;
    FeatureStore fs = null;
    if (store != null) {
      fs = FeatureStore.open(store);
      data = fs.dataset();
    } else {
      data = DataArgs.readTable(spec, table, List.of(), Cli.progress(spec, run.progress)).data();
    }
    try {
      return fit(data, fs, (System.nanoTime() - t0) / 1e9, backend);
    } finally {
      if (fs != null) fs.close();
    }
  }

  /** The k values to fit: one, or a range for the elbow. */
  private int[] kRange() {
    return KArgs.range(spec, params.k);
  }

  private KMeansParams paramsFor(int k, Dataset data) {
    KMeansParams.Builder b = KMeansParams.builder(k).nInit(params.nInit).maxIter(params.maxIter).tol(params.tol)
        .seed(params.seed).swaps(params.swaps).scale(scaling.method()).log1p(scaling.log1p());
    Init init = initMethod(params.init);
    if (init == Init.GIVEN) b.initialCentroids(readCentroids(Path.of(params.init), k, data.cols()));
    else b.init(init);
    return b.build();
  }

  private int fit(Dataset data, FeatureStore fs, double readSeconds, BackendChoice backend) throws Exception {
    int[] range = kRange();
    if (range[0] != range[1] && params.miniBatch) throw new ParameterException(spec.commandLine(), "--mini-batch takes one --k, not a sweep");
    if (range[0] != range[1] && initMethod(params.init) == Init.GIVEN) {
      throw new ParameterException(spec.commandLine(), "--k auto cannot use a file of initial centroids");
    }
    KMeansParams kp = paramsFor(range[0], data);

    try (Segmenta engine = Segmenta.open(new EngineOptions(backend, run.threads, run.cpuFallback))) {
      KMeansResult result;
      RunControl control;
      double[] iterationSeconds = {0, 0};
      List<ChooseK.Point> curve = new java.util.ArrayList<>();
      try (Progress p = Progress.iterations("K-Means", kp.effectiveNInit() * (range[1] - range[0] + 1), kp.maxIter(),
          !Cli.progress(spec, run.progress), spec.commandLine().getErr())) {
        control = new RunControl(stats -> {
          p.onIteration(stats);
          iterationSeconds[0] += stats.seconds();
          iterationSeconds[1]++;
        });
        Thread hook = new Thread(control::cancel, "segment-cancel");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
          if (range[0] == range[1]) {
            result = params.miniBatch ? engine.miniBatchKMeans(data, miniBatchParams(kp)) : engine.kmeans(data, kp, control);
          } else {
            for (int kk = range[0]; kk <= range[1]; kk++) {
              KMeansResult r = engine.kmeans(data, paramsFor(kk, data), control);
              curve.add(new ChooseK.Point(kk, r.model().inertia(), r));
            }
            int chosen = ChooseK.elbow(curve);
            result = curve.stream().filter(c -> c.k() == chosen).findFirst().orElseThrow().result();
            kp = result.model().params();
            spec.commandLine().getErr().printf("segment: k = %d chosen by the elbow of the inertia curve over k = %d..%d%n", chosen, range[0], range[1]);
          }
          p.done();
        } finally {
          try {
            Runtime.getRuntime().removeShutdownHook(hook);
          } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the JVM is already exiting; the run was cancelled.
          }
        }
      }
      RunOutputs.writeKMeans(run.out, data, result, engine.backend(), fs != null ? shown(fs.dir()) : table.input, readSeconds,
          iterationSeconds[1] == 0 ? Double.NaN : iterationSeconds[0] / iterationSeconds[1], curve);
      java.util.List<io.segmenta.insights.SegmentProfile> profiles = io.segmenta.insights.Profiles.of(data, result.labels(), kp.k(),
          insight.names == null ? java.util.Map.of() : insight.names, kp.seed());
      String md = io.segmenta.insights.ProfileReport.markdown(profiles, data.columns());
      if (transactions != null && TransactionLayout.preset(preset).product() != null) {
        long[] sizes = new long[kp.k()];
        for (SegmentProfile pr : profiles) sizes[pr.segment()] = pr.size();
        int[] labels = result.labels();
        FeatureStore st = fs;
        // The product tables go into the run's version directory before it is published, so that the
        // recommender sees them together with the assignments.
        Path versionDir = PublishedAssignments.versionDir(fs.dir(), PublishedAssignments.nextVersion(fs.dir()));
        java.util.List<TopProducts.Item> all = TopProducts.compute(transactions, TransactionLayout.preset(preset), id -> {
          long row = st.rowOf(id);
          return row < 0 ? -1 : labels[(int) row];
        }, sizes, 200, run.out, versionDir.resolve("purchases.cm"));
        io.segmenta.cli.RunOutputs.atomically(versionDir.resolve("segment-products.csv"), w -> w.write(TopProducts.csv(all)));
        java.util.List<TopProducts.Item> items = all.stream().filter(i -> i.rank() <= 20).toList();
        io.segmenta.cli.RunOutputs.atomically(run.out.resolve("top-products.csv"), w -> w.write(TopProducts.csv(items)));
        for (SegmentProfile pr : profiles) Charts.topProducts(pr, items, 10, run.out.resolve("charts"));
        md += TopProducts.markdown(items, profiles, 10);
      }
      java.util.List<Path> migrationCharts = new java.util.ArrayList<>();
      if (fs != null) {
        // Early warning and migration, for runs on a store (the assignments of the previous run live there).
        long[] sizes = new long[profiles.size()];
        java.util.List<String> names = new java.util.ArrayList<>();
        for (SegmentProfile pr : profiles) {
          sizes[pr.segment()] = pr.size();
          names.add(pr.name());
        }
        double[] riskShare = null;
        if (EarlyWarning.applies(data.columns())) {
          EarlyWarning.Result risk = EarlyWarning.of(data, result.labels(), profiles, insight.riskMultiple);
          riskShare = risk.shareBySegment();
          EarlyWarning.Result rr = risk;
          io.segmenta.cli.RunOutputs.atomically(run.out.resolve("at-risk.csv"), w -> w.write(EarlyWarning.csv(rr, profiles)));
          StringBuilder rs = new StringBuilder(String.format(java.util.Locale.ROOT,
              "%n## Early warning%n%n%d customers are past %.1f times their typical gap between purchases (at-risk.csv).%n%n| segment | at risk |%n|---|---:|%n",
              risk.customers().size(), risk.multiple()));
          for (SegmentProfile pr : profiles) rs.append(String.format(java.util.Locale.ROOT, "| %d %s | %.1f%% |%n", pr.segment(), pr.name(), 100 * riskShare[pr.segment()]));
          md += rs;
        }
        java.util.Optional<PreviousRun> prev = PreviousRun.load(fs.dir(), data.rows(), data::id);
        if (prev.isPresent()) {
          PreviousRun pr = prev.get();
          long[][] counts = new long[pr.names().size()][profiles.size()];
          long fresh = 0;
          for (int r = 0; r < data.rows(); r++) {
            int before = pr.segmentOfRow()[r];
            if (before < 0) fresh++;
            else counts[before][result.labels()[r]]++;
          }
          boolean[] rising = new boolean[profiles.size()];
          for (int j = 0; j < profiles.size(); j++) {
            Double was = pr.riskByName().get(names.get(j));
            rising[j] = riskShare != null && was != null && riskShare[j] > was + 0.01;
          }
          Migration mig = new Migration(pr.names(), names, counts, fresh, rising);
          md += mig.markdown(riskShare == null ? new double[profiles.size()] : riskShare, pr.riskByName());
          migrationCharts.addAll(Charts.migration(pr.names(), names, counts, run.out.resolve("charts")));
        }
        PreviousRun.writeInsights(PublishedAssignments.versionDir(fs.dir(), PublishedAssignments.nextVersion(fs.dir())), names, sizes, riskShare);
      }
      Path charts = run.out.resolve("charts");
      java.util.List<Path> chartFiles = new java.util.ArrayList<>();
      if (!curve.isEmpty()) chartFiles.addAll(Charts.elbow(curve, kp.k(), charts));
      chartFiles.addAll(Charts.sizes(profiles, charts));
      {
        // Silhouette and PCA pictures on a uniform sample of rows, in the clustering space.
        int m = (int) Math.min(data.rows(), 3000);
        long[] pick = io.segmenta.metrics.Silhouette.sampleRows(data.rows(), m, kp.seed());
        float[] vals = new float[m * data.cols()];
        int[] sl = new int[m];
        for (int i = 0; i < m; i++) {
          data.matrix().copyRow(pick[i], vals, i * data.cols());
          sl[i] = result.labels()[(int) pick[i]];
        }
        Dataset sample = result.model().scaling().apply(Dataset.ofRowMajor(vals, m, data.cols()));
        long distinct = java.util.Arrays.stream(sl).distinct().count();
        if (distinct >= 2 && distinct < m) {
          double[] sv = engine.silhouetteValues(sample, sl);
          chartFiles.addAll(Charts.silhouette(sv, sl, profiles, charts));
          double mean = java.util.Arrays.stream(sv).average().orElse(Double.NaN);
          StringBuilder q = new StringBuilder(String.format(java.util.Locale.ROOT,
              "%n## Quality (in the clustering space)%n%n| score | value |%n|---|---:|%n| silhouette (sample of %d rows) | %.4f |%n", m, mean));
          if (data.rows() <= 5_000_000 && profiles.stream().filter(x -> x.size() > 0).count() >= 2) {
            Dataset scaled = result.model().scaling().apply(data);
            q.append(String.format(java.util.Locale.ROOT, "| Calinski-Harabasz | %.1f |%n| Davies-Bouldin | %.4f |%n",
                io.segmenta.metrics.ClusterScores.calinskiHarabasz(scaled, result.labels()),
                io.segmenta.metrics.ClusterScores.daviesBouldin(scaled, result.labels())));
          }
          md += q;
        }
        double[][] rows2 = new double[m][data.cols()];
        for (int i = 0; i < m; i++) for (int j = 0; j < data.cols(); j++) rows2[i][j] = sample.matrix().get(i, j);
        if (data.cols() >= 2) chartFiles.addAll(Charts.pca(rows2, sl, profiles, charts));
      }
      chartFiles.addAll(migrationCharts);
      String segmentsMd = md;
      io.segmenta.cli.RunOutputs.atomically(run.out.resolve("segments.md"), w -> w.write(segmentsMd));
      java.util.List<Path> pngs = new java.util.ArrayList<>(chartFiles.stream().filter(f -> f.toString().endsWith(".png")).toList());
      try (java.util.stream.Stream<Path> tp = java.nio.file.Files.list(charts)) {
        tp.filter(f -> f.getFileName().toString().startsWith("top-products-") && f.toString().endsWith(".png")).sorted().forEach(pngs::add);
      }
      Path report = run.out.resolve("report.html");
      io.segmenta.cli.RunOutputs.atomically(report, w -> w.write(io.segmenta.insights.HtmlReport.render("Segments of " + data.rows() + " customers",
          segmentsMd, pngs)));
      spec.commandLine().getErr().println("segment: report written to " + shown(report).toAbsolutePath());
      io.segmenta.cli.RunOutputs.atomically(run.out.resolve("profiles.csv"), w -> w.write(io.segmenta.insights.ProfileReport.csv(profiles, data.columns())));
      spec.commandLine().getOut().print(io.segmenta.insights.ProfileReport.table(profiles, data.columns()));
      spec.commandLine().getOut().flush();
      if (fs != null) {
        // The model and profiles go with the labels: `segment serve` predicts with the run it serves.
        io.segmenta.Segmenta.saveModel(result.model(), PublishedAssignments.staged(fs.dir(), PublishedAssignments.MODEL_FILE));
        io.segmenta.cli.RunOutputs.atomically(PublishedAssignments.staged(fs.dir(), PublishedAssignments.PROFILES_FILE), w -> w.write(io.segmenta.insights.ProfileReport.csv(profiles, data.columns())));
        long v = PublishedAssignments.publish(fs.dir(), data.rows(), data::id, result.labels(), result.distances(),
            PublishedAssignments.runJson("kmeans", kp.k(), data.rows(), result.model().inertia(), engine.backend().name()));
        spec.commandLine().getErr().printf("segment: assignments published to %s as version %d%n", shown(fs.dir()), v);
      }
      spec.commandLine().getErr().printf("segment: %d rows, %d segments, inertia %.6g, %d iterations%s; outputs in %s%n",
          data.rows(), kp.k(), result.model().inertia(), result.model().iterations(),
          result.model().converged() ? "" : " (not converged: raise --max-iter)", shownOut);
    }
    return SegmentCli.EXIT_OK;
  }

  private io.segmenta.kmeans.MiniBatchParams miniBatchParams(KMeansParams kp) {
    if (kp.init() == Init.GIVEN || kp.init() == Init.RANDOM || kp.swaps() > 0 || kp.nInit() > 1) {
      throw new ParameterException(spec.commandLine(), "--mini-batch starts from k-means|| or k-means++ and has no --n-init or --swaps");
    }
    // k-means|| unless k-means++ was asked for explicitly.
    Init init = params.init.strip().equalsIgnoreCase("k-means++") && !spec.commandLine().getParseResult().hasMatchedOption("--init")
        ? Init.KMEANS_PARALLEL : kp.init();
    return io.segmenta.kmeans.MiniBatchParams.builder(kp.k()).batchSize(params.batchSize).maxSteps(params.maxSteps).init(init)
        .seed(kp.seed()).scale(kp.scale()).log1p(kp.log1p()).build();
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

  /** Starting centroids from a table: k rows of d numbers (a header is allowed and ignored). */
  static double[][] readCentroids(Path file, int k, int d) {
    Dataset c = TableReader.read(file, TableOptions.DEFAULTS);
    if (c.cols() != d) {
      throw new InvalidInputException("--init " + file + ": centroids have " + c.cols() + " columns, the data has " + d);
    }
    if (c.rows() != k) {
      throw new InvalidInputException("--init " + file + ": " + c.rows() + " centroids for --k " + k);
    }
    double[][] out = new double[k][d];
    for (int i = 0; i < k; i++) for (int j = 0; j < d; j++) out[i][j] = c.matrix().get(i, j);
    return out;
  }
}
