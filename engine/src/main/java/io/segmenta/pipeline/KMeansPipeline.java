package io.segmenta.pipeline;

import io.segmenta.InvalidInputException;
import io.segmenta.Segmenta;
import io.segmenta.data.Dataset;
import io.segmenta.data.TableOptions;
import io.segmenta.data.TableReader;
import io.segmenta.ingest.RfmIngest;
import io.segmenta.ingest.TransactionLayout;
import io.segmenta.insights.Charts;
import io.segmenta.insights.EarlyWarning;
import io.segmenta.insights.HtmlReport;
import io.segmenta.insights.Migration;
import io.segmenta.insights.ProfileReport;
import io.segmenta.insights.Profiles;
import io.segmenta.insights.SegmentProfile;
import io.segmenta.insights.TopProducts;
import io.segmenta.kmeans.ChooseK;
import io.segmenta.kmeans.Init;
import io.segmenta.kmeans.KMeansParams;
import io.segmenta.kmeans.KMeansResult;
import io.segmenta.kmeans.MiniBatchParams;
import io.segmenta.metrics.ClusterScores;
import io.segmenta.metrics.Silhouette;
import io.segmenta.preprocess.Preprocessed;
import io.segmenta.run.RunControl;
import io.segmenta.store.FeatureStore;
import io.segmenta.store.PreviousRun;
import io.segmenta.store.PublishedAssignments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The main job, end to end: read (or aggregate) the rows, fit the preprocessing, fit K-Means (one k
 * or a sweep chosen at the elbow), derive the insights, draw the charts, write the report, publish
 * the assignments into the store and write the outputs. Every step is named and timed
 * ({@link Phase}); the outputs replace {@code job.out()} as a whole when the run has finished.
 * The command line, a Spark job and a service call it the same way:
 *
 * <pre>{@code
 * KMeansRun run = new KMeansPipeline(job, RunEvents.NONE).run();
 * }</pre>
 */
public final class KMeansPipeline {
  private final KMeansJob job;
  private final RunEvents events;
  private final RunControl control;
  private double iterationSeconds;
  private long iterations;

  public KMeansPipeline(KMeansJob job, RunEvents events) {
    this.job = java.util.Objects.requireNonNull(job, "job");
    this.events = events == null ? RunEvents.NONE : events;
    this.control = new RunControl(stats -> {
      iterationSeconds += stats.seconds();
      iterations++;
      if (meter != null) meter.iteration(stats);
    });
  }

  private volatile RunEvents.Meter meter;
  /** The purchases map being written in the background (see insights), or null. */
  private java.util.concurrent.FutureTask<Void> purchasesWriter;

  /** Waits for the purchases map; its failure is the run's. */
  private void awaitPurchases() throws Exception {
    java.util.concurrent.FutureTask<Void> w = purchasesWriter;
    if (w == null) return;
    purchasesWriter = null;
    try {
      w.get();
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof Exception x) throw x;
      if (e.getCause() instanceof Error x) throw x;
      throw e;
    }
  }

  /** Stops the fit at the next iteration (from any thread, e.g. a shutdown hook); the run then fails with a CancellationException. */
  public void cancel() {
    control.cancel();
  }

  /** Runs every step; the outputs are in place in {@code job.out()} when it returns. */
  public KMeansRun run() throws Exception {
    Phases phases = new Phases();
    warmUp();
    try (RunDir stage = RunDir.open(job.out(), job.force())) {
      KMeansRun r = run(stage, phases);
      stage.commit();
      return r;
    }
  }

  /**
   * One background thread sets up Chronicle Map and Java2D while the main thread reads: their
   * first-use costs (about 0.5-1 s of one core each) otherwise fall on the read and on the charts.
   * The read itself keeps one core busy; the warm-up takes the other's spare time.
   */
  private static void warmUp() {
    Thread t = new Thread(() -> {
      io.segmenta.ingest.ChronicleWarmup.ensure();
      Charts.warmUp();
    }, "segmenta-warmup");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    t.start();
  }

  /** What the read step produced. */
  /** What the reader did with missing values (dropped rows, filled cells), for summary.json; null when nothing was missing. */
  private io.segmenta.data.MissingValues.Report readReport;

  private record Input(Dataset data, FeatureStore store, Path shownInput, double readSeconds, Path log, TransactionLayout layout,
                       io.segmenta.ingest.PurchaseLog purchases) {}

  private KMeansRun run(RunDir stage, Phases phases) throws Exception {
    Path dir = stage.path();
    Input in = phases.time(Phase.READ, () -> read(stage));
    try {
      return fitAndWrite(stage, dir, in, phases);
    } finally {
      // A failed run still lets the background writer finish before its directory goes.
      java.util.concurrent.FutureTask<Void> w = purchasesWriter;
      if (w != null) {
        try {
          w.get();
        } catch (Exception ignored) {
          // the run already failed
        }
      }
      if (in.store() != null) in.store().close();
    }
  }

  private Input read(RunDir stage) throws IOException {
    Path dir = stage.path();
    Source src = job.source();
    Path storeDir = null;
    Path log = null;
    TransactionLayout layout = null;
    io.segmenta.ingest.PurchaseLog purchases = null;
    if (src instanceof Source.Transactions t) {
      log = t.log();
      layout = t.layout();
      // The purchase lines for the top products, kept by the aggregation's pass (no second read of the log).
      if (layout.product() != null) purchases = new io.segmenta.ingest.PurchaseLog();
      storeDir = dir.resolve("store");
      // The store is rebuilt with the run; it keeps the previous run's published assignments (migration, early warning).
      PublishedAssignments.carryOver(job.out().resolve("store"), storeDir);
      Path rej = dir.resolve("rejects.csv");
      RfmIngest.Report r;
      try (RunEvents.Meter m = events.bytes("Aggregating " + log.getFileName(), log)) {
        r = io.segmenta.ingest.RfmSql.run(io.segmenta.ingest.RfmSql.Engine.AUTO, log, layout, null, TableReader.Malformed.FAIL, rej, storeDir, true, m::bytes,
            purchases);
        m.done();
      }
      events.note(String.format(Locale.ROOT, "%d transaction lines -> %d customers x %d features in %s%s",
          r.lines(), r.customers(), r.features().size(), stage.shown(storeDir),
          r.withoutCustomer() > 0 ? "; " + r.withoutCustomer() + " lines without a customer id excluded (see " + stage.shown(rej) + ")" : ""));
    } else if (src instanceof Source.Store s) {
      storeDir = s.dir();
    }
    long t0 = System.nanoTime();
    if (storeDir != null) {
      FeatureStore fs = FeatureStore.open(storeDir);
      return new Input(fs.dataset(), fs, stage.shown(fs.dir()), (System.nanoTime() - t0) / 1e9, log, layout, purchases);
    }
    if (src instanceof Source.Rows rows) return new Input(rows.data(), null, rows.input(), 0, null, null, null);
    if (src instanceof Source.Sql q) {
      // Through DuckDB; the summary names no file for a query.
      io.segmenta.data.sql.DuckDbSource.Read read = io.segmenta.data.sql.DuckDbSource.readSql(q.query(), staged(q.options(), stage),
          io.segmenta.data.sql.DuckDbSettings.defaults());
      noteMissing(read.missing(), q.options());
      return new Input(read.data(), null, null, (System.nanoTime() - t0) / 1e9, null, null, null);
    }
    Source.Table t = (Source.Table) src;
    if (io.segmenta.data.sql.DuckDbSource.isParquet(t.file())) {
      io.segmenta.data.sql.DuckDbSource.Read read = io.segmenta.data.sql.DuckDbSource.readParquet(t.file(), staged(t.options(), stage),
          io.segmenta.data.sql.DuckDbSettings.defaults());
      noteMissing(read.missing(), t.options());
      return new Input(read.data(), null, t.file(), (System.nanoTime() - t0) / 1e9, null, null, null);
    }
    try (RunEvents.Meter m = events.bytes("Reading " + t.file().getFileName(), t.file())) {
      TableReader.Read read = TableReader.readWithReport(t.file(), staged(t.options(), stage), m::bytes);
      m.done();
      noteMissing(read.missing(), t.options());
      return new Input(read.data(), null, t.file(), (System.nanoTime() - t0) / 1e9, null, null, null);
    }
  }

  /** The options with dropped rows meant for the run directory sent to its staged copy (what commit() moves into place). */
  private TableOptions staged(TableOptions opts, RunDir stage) {
    Path droppedTo = opts.droppedRows();
    Path out = job.out().toAbsolutePath().normalize();
    if (droppedTo == null || !droppedTo.toAbsolutePath().normalize().startsWith(out)) return opts;
    return opts.withDroppedRows(dir(stage).resolve(out.relativize(droppedTo.toAbsolutePath().normalize())));
  }

  /** Says what was done with missing values, naming the dropped-rows file where it will be (not its staged copy); keeps it for the summary. */
  private void noteMissing(io.segmenta.data.MissingValues.Report rep, TableOptions asked) {
    if (rep.droppedFile() != null) {
      rep = new io.segmenta.data.MissingValues.Report(rep.droppedRows(), rep.columns(), rep.missingPerColumn(), rep.fillValues(), rep.droppedLines(),
          asked.droppedRows());
    }
    if (rep.missingCells() > 0) events.note("missing values: " + rep.describe(asked.missing().strategy()));
    readReport = rep;
  }

  private static Path dir(RunDir stage) {
    return stage.path();
  }

  private KMeansParams paramsFor(int k, Dataset data) {
    KMeansParams.Builder b = KMeansParams.builder(k).nInit(job.nInit()).maxIter(job.maxIter()).tol(job.tol())
        .seed(job.seed()).swaps(job.swaps()).scale(job.scale()).log1p(job.log1p());
    if (job.init() == Init.GIVEN) b.initialCentroids(readCentroids(job.initialCentroids(), k, data.cols()));
    else b.init(job.init() == null ? Init.KMEANS_PLUS_PLUS : job.init());
    return b.build();
  }

  private MiniBatchParams miniBatchParams(KMeansParams kp) {
    // k-means|| unless an init was asked for.
    Init init = job.init() == null ? Init.KMEANS_PARALLEL : kp.init();
    return MiniBatchParams.builder(kp.k()).batchSize(job.batchSize()).maxSteps(job.maxSteps()).init(init)
        .seed(kp.seed()).scale(kp.scale()).log1p(kp.log1p()).build();
  }

  /** The fit, whichever k it kept. */
  private record Fit(KMeansResult result, KMeansParams params, List<ChooseK.Point> curve) {}

  private KMeansRun fitAndWrite(RunDir stage, Path dir, Input in, Phases phases) throws Exception {
    Dataset data = in.data();
    KMeansParams first = paramsFor(job.kMin(), data);
    Preprocessed pre = phases.time(Phase.PREPROCESS, () -> Preprocessed.fit(job.scale(), job.log1p(), data));
    Segmenta engine = phases.time(Phase.FIT, () -> phases.part(Phase.FIT, "open_engine", () -> Segmenta.open(job.engine())));
    try (engine) {
      Fit fit = phases.time(Phase.FIT, () -> fit(engine, data, pre, first));
      KMeansResult result = fit.result();
      KMeansParams kp = fit.params();
      double writeSeconds = phases.time(Phase.WRITE, () -> RunOutputs.writeKMeansFiles(dir, data, result));

      Insights ins = phases.time(Phase.INSIGHTS, () -> insights(engine, dir, in, pre, result, kp, phases));
      Path charts = dir.resolve("charts");
      List<Path> pngs = phases.time(Phase.CHARTS, () -> charts(charts, ins, fit.curve(), kp, phases));
      Path report = dir.resolve("report.html");
      phases.time(Phase.REPORT, () -> {
        RunOutputs.atomically(dir.resolve("segments.md"), w -> w.write(ins.markdown()));
        RunOutputs.atomically(report, w -> w.write(HtmlReport.render("Segments of " + data.rows() + " customers", ins.markdown(), pngs)));
        return null;
      });
      events.note("report written to " + stage.shown(report).toAbsolutePath());
      phases.time(Phase.WRITE, () -> {
        RunOutputs.atomically(dir.resolve("profiles.csv"), w -> w.write(ProfileReport.csv(ins.profiles(), data.columns())));
        return null;
      });
      long version = -1;
      if (in.store() != null) {
        // The model and profiles go with the labels: `segment serve` predicts with the run it serves.
        phases.time(Phase.PUBLISH, () -> {
          awaitPurchases();
          Segmenta.saveModel(result.model(), PublishedAssignments.staged(in.store().dir(), PublishedAssignments.MODEL_FILE));
          RunOutputs.atomically(PublishedAssignments.staged(in.store().dir(), PublishedAssignments.PROFILES_FILE),
              w -> w.write(ProfileReport.csv(ins.profiles(), data.columns())));
          return null;
        });
        version = phases.time(Phase.PUBLISH, () -> PublishedAssignments.publish(in.store().dir(), data.rows(), data::id, result.labels(),
            result.distances(), PublishedAssignments.runJson("kmeans", kp.k(), data.rows(), result.model().inertia(), engine.backend().name())));
        events.note(String.format(Locale.ROOT, "assignments published to %s as version %d", stage.shown(in.store().dir()), version));
      }
      long v = version;
      return phases.time(Phase.WRITE, () -> {
        RunOutputs.writeKMeansSummary(dir, data, result, engine.backend(), in.shownInput(), in.readSeconds(),
            iterations == 0 ? Double.NaN : iterationSeconds / iterations, writeSeconds, fit.curve(), phases, readReport);
        return new KMeansRun(result, data.columns(), ins.profiles(), job.out(), job.out().resolve("report.html"), v, phases);
      });
    }
  }

  private Fit fit(Segmenta engine, Dataset data, Preprocessed pre, KMeansParams kp) {
    List<ChooseK.Point> curve = new ArrayList<>();
    try (RunEvents.Meter m = events.iterations("K-Means", kp.effectiveNInit() * (job.kMax() - job.kMin() + 1), kp.maxIter())) {
      meter = m;
      try {
        KMeansResult result;
        if (!job.sweep()) {
          result = job.miniBatch() ? engine.miniBatchKMeans(data, pre, miniBatchParams(kp)) : engine.kmeans(data, pre, kp, control);
        } else {
          for (int kk = job.kMin(); kk <= job.kMax(); kk++) {
            KMeansResult r = engine.kmeans(data, pre, paramsFor(kk, data), control);
            curve.add(new ChooseK.Point(kk, r.model().inertia(), r));
          }
          int chosen = ChooseK.elbow(curve);
          result = curve.stream().filter(c -> c.k() == chosen).findFirst().orElseThrow().result();
          kp = result.model().params();
          events.note(String.format(Locale.ROOT, "k = %d chosen by the elbow of the inertia curve over k = %d..%d", chosen, job.kMin(), job.kMax()));
        }
        m.done();
        return new Fit(result, kp, curve);
      } finally {
        meter = null;
      }
    }
  }

  /** The insights and what the charts need of them. */
  private record Insights(List<SegmentProfile> profiles, String markdown, List<TopProducts.Item> topItems, MigrationData migration,
                          Quality quality) {}

  private record MigrationData(List<String> previous, List<String> current, long[][] counts) {}

  /** The sample the silhouette and PCA pictures are drawn from, in the clustering space. */
  private record Quality(int cols, double[] silhouette, int[] sampleLabels, double[][] sampleRows) {}

  /** Its parts are timed within {@link Phase#INSIGHTS}, so that {@code --verbose} says where the phase went. */
  private Insights insights(Segmenta engine, Path dir, Input in, Preprocessed pre, KMeansResult result, KMeansParams kp, Phases phases)
      throws Exception {
    Dataset data = in.data();
    List<SegmentProfile> profiles = phases.part(Phase.INSIGHTS, "profiles", () -> Profiles.of(data, result.labels(), kp.k(), job.names(), kp.seed()));
    StringBuilder md = new StringBuilder(ProfileReport.markdown(profiles, data.columns()));
    List<TopProducts.Item> items = phases.part(Phase.INSIGHTS, "top_products", () -> topProducts(dir, in, result, kp, profiles, md));
    MigrationData migration = phases.part(Phase.INSIGHTS, "early_warning_and_migration", () -> warningAndMigration(dir, in, result, profiles, md));
    return quality(engine, in, pre, result, kp, profiles, md, items, migration, phases);
  }

  /** The top products of each segment (runs on a transaction log with products), or null. */
  private List<TopProducts.Item> topProducts(Path dir, Input in, KMeansResult result, KMeansParams kp, List<SegmentProfile> profiles,
      StringBuilder md) throws IOException {
    FeatureStore fs = in.store();
    List<TopProducts.Item> items = null;
    if (in.log() != null && in.layout().product() != null) {
      long[] sizes = new long[kp.k()];
      for (SegmentProfile pr : profiles) sizes[pr.segment()] = pr.size();
      int[] labels = result.labels();
      // The product tables go into the run's version directory before it is published, so that the
      // recommender sees them together with the assignments.
      Path versionDir = PublishedAssignments.versionDir(fs.dir(), PublishedAssignments.nextVersion(fs.dir()));
      java.util.function.ToIntFunction<String> segmentOf = id -> {
        long row = fs.rowOf(id);
        return row < 0 ? -1 : labels[(int) row];
      };
      List<TopProducts.Item> all;
      if (in.purchases() != null && in.purchases().available()) {
        // The purchases map (for the recommender) is written meanwhile on another thread; publishing waits for it.
        TopProducts.Deferred d = TopProducts.computeDeferred(in.purchases(), in.log(), segmentOf, sizes, 200, dir, versionDir.resolve("purchases.cm"));
        all = d.items();
        purchasesWriter = new java.util.concurrent.FutureTask<>(d.writePurchases(), null);
        Thread t = new Thread(purchasesWriter, "segmenta-purchases");
        t.setDaemon(true);
        t.start();
      } else {
        all = TopProducts.compute(in.log(), in.layout(), segmentOf, sizes, 200, dir, versionDir.resolve("purchases.cm"));
      }
      RunOutputs.atomically(versionDir.resolve("segment-products.csv"), w -> w.write(TopProducts.csv(all)));
      items = all.stream().filter(i -> i.rank() <= 20).toList();
      List<TopProducts.Item> top = items;
      RunOutputs.atomically(dir.resolve("top-products.csv"), w -> w.write(TopProducts.csv(top)));
      md.append(TopProducts.markdown(items, profiles, 10));
    }
    return items;
  }

  /** Early warning and migration, for runs on a store (the assignments of the previous run live there); the migration or null. */
  private MigrationData warningAndMigration(Path dir, Input in, KMeansResult result, List<SegmentProfile> profiles, StringBuilder md) {
    Dataset data = in.data();
    FeatureStore fs = in.store();
    MigrationData migration = null;
    if (fs != null) {
      // Early warning and migration, for runs on a store (the assignments of the previous run live there).
      long[] sizes = new long[profiles.size()];
      List<String> names = new ArrayList<>();
      for (SegmentProfile pr : profiles) {
        sizes[pr.segment()] = pr.size();
        names.add(pr.name());
      }
      double[] riskShare = null;
      if (EarlyWarning.applies(data.columns())) {
        EarlyWarning.Result risk = EarlyWarning.of(data, result.labels(), profiles, job.riskMultiple());
        riskShare = risk.shareBySegment();
        RunOutputs.atomically(dir.resolve("at-risk.csv"), w -> w.write(EarlyWarning.csv(risk, profiles)));
        md.append(String.format(Locale.ROOT,
            "%n## Early warning%n%n%d customers are past %.1f times their typical gap between purchases (at-risk.csv).%n%n| segment | at risk |%n|---|---:|%n",
            risk.customers().size(), risk.multiple()));
        for (SegmentProfile pr : profiles) {
          md.append(String.format(Locale.ROOT, "| %d %s | %.1f%% |%n", pr.segment(), pr.name(), 100 * riskShare[pr.segment()]));
        }
      }
      Optional<PreviousRun> prev = PreviousRun.load(fs.dir(), data.rows(), data::id);
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
        md.append(mig.markdown(riskShare == null ? new double[profiles.size()] : riskShare, pr.riskByName()));
        migration = new MigrationData(pr.names(), names, counts);
      }
      PreviousRun.writeInsights(PublishedAssignments.versionDir(fs.dir(), PublishedAssignments.nextVersion(fs.dir())), names, sizes, riskShare);
    }
    return migration;
  }

  /** The silhouette and PCA sample, and the cluster scores; the insights with everything the charts need. */
  private Insights quality(Segmenta engine, Input in, Preprocessed pre, KMeansResult result, KMeansParams kp, List<SegmentProfile> profiles,
      StringBuilder md, List<TopProducts.Item> items, MigrationData migration, Phases phases) throws Exception {
    Dataset data = in.data();
    Quality q = phases.part(Phase.INSIGHTS, "silhouette", () -> sampleQuality(engine, data, result, kp));
    if (q.silhouette() != null) {
      double mean = Arrays.stream(q.silhouette()).average().orElse(Double.NaN);
      md.append(String.format(Locale.ROOT,
          "%n## Quality (in the clustering space)%n%n| score | value |%n|---|---:|%n| silhouette (sample of %d rows) | %.4f |%n",
          q.sampleLabels().length, mean));
      if (data.rows() <= 5_000_000 && profiles.stream().filter(x -> x.size() > 0).count() >= 2) {
        // The fitted preprocessing's rows: the model's scaling applied to the data.
        Dataset scaled = pre.scaled();
        ClusterScores.Internal scores = phases.part(Phase.INSIGHTS, "cluster_scores", () -> ClusterScores.internal(scaled, result.labels()));
        md.append(String.format(Locale.ROOT, "| Calinski-Harabasz | %.1f |%n| Davies-Bouldin | %.4f |%n", scores.calinskiHarabasz(),
            scores.daviesBouldin()));
      }
    }
    return new Insights(profiles, md.toString(), items, migration, q);
  }

  /** Silhouette values (null when the sample holds fewer than two segments) and PCA rows on a uniform sample, in the clustering space. */
  private static Quality sampleQuality(Segmenta engine, Dataset data, KMeansResult result, KMeansParams kp) {
    int m = (int) Math.min(data.rows(), 3000);
    int d = data.cols();
    long[] pick = Silhouette.sampleRows(data.rows(), m, kp.seed());
    float[] vals = new float[m * d];
    int[] sl = new int[m];
    for (int i = 0; i < m; i++) {
      data.matrix().copyRow(pick[i], vals, i * d);
      sl[i] = result.labels()[(int) pick[i]];
    }
    Dataset sample = result.model().scaling().apply(Dataset.ofRowMajor(vals, m, d));
    long distinct = Arrays.stream(sl).distinct().count();
    double[] sv = distinct >= 2 && distinct < m ? engine.silhouetteValues(sample, sl) : null;
    double[][] rows2 = new double[m][d];
    for (int i = 0; i < m; i++) for (int j = 0; j < d; j++) rows2[i][j] = sample.matrix().get(i, j);
    return new Quality(d, sv, sl, rows2);
  }

  /** Draws every chart; returns the PNGs in the report's order. */
  private List<Path> charts(Path charts, Insights ins, List<ChooseK.Point> curve, KMeansParams kp, Phases phases) throws Exception {
    List<SegmentProfile> profiles = ins.profiles();
    // Each chart is drawn on its own (its own XChart object, its own files): two at a time, one per core.
    List<java.util.concurrent.Callable<List<Path>>> jobs = new ArrayList<>();
    // Each kind of chart is a part of the phase; drawn side by side, the parts can add up to more than it.
    java.util.function.BiFunction<String, Phases.Step<List<Path>>, java.util.concurrent.Callable<List<Path>>> timed =
        (name, c) -> () -> phases.part(Phase.CHARTS, name, c);
    Quality q = ins.quality();
    if (q.cols() >= 2) jobs.add(timed.apply("pca", () -> Charts.pca(q.sampleRows(), q.sampleLabels(), profiles, charts)));
    if (ins.topItems() != null) for (SegmentProfile pr : profiles) jobs.add(timed.apply("top_products", () -> Charts.topProducts(pr, ins.topItems(), 10, charts)));
    if (!curve.isEmpty()) jobs.add(timed.apply("elbow", () -> Charts.elbow(curve, kp.k(), charts)));
    jobs.add(timed.apply("sizes", () -> Charts.sizes(profiles, charts)));
    if (q.silhouette() != null) jobs.add(timed.apply("silhouette", () -> Charts.silhouette(q.silhouette(), q.sampleLabels(), profiles, charts)));
    MigrationData mig = ins.migration();
    if (mig != null) jobs.add(timed.apply("migration", () -> Charts.migration(mig.previous(), mig.current(), mig.counts(), charts)));
    List<List<Path>> drawn = inParallel(jobs, 2);
    // The report's order: elbow, sizes, silhouette, pca, migration, then the top products by name.
    List<Path> chartFiles = new ArrayList<>();
    String[] order = {"elbow", "segment-sizes", "silhouette", "pca", "migration"};
    for (String name : order) for (List<Path> d : drawn) for (Path f : d) if (f.getFileName().toString().startsWith(name + ".")) chartFiles.add(f);
    List<Path> pngs = new ArrayList<>(chartFiles.stream().filter(f -> f.toString().endsWith(".png")).toList());
    try (Stream<Path> tp = Files.list(charts)) {
      tp.filter(f -> f.getFileName().toString().startsWith("top-products-") && f.toString().endsWith(".png")).sorted().forEach(pngs::add);
    }
    return pngs;
  }

  /** Runs the jobs on up to {@code threads} threads; their results in the jobs' order; the first failure is thrown. */
  static <T> List<T> inParallel(List<java.util.concurrent.Callable<T>> jobs, int threads) throws Exception {
    int n = Math.min(threads, Math.max(1, Runtime.getRuntime().availableProcessors()));
    if (n <= 1 || jobs.size() <= 1) {
      List<T> out = new ArrayList<>();
      for (var j : jobs) out.add(j.call());
      return out;
    }
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n, r -> {
      Thread t = new Thread(r, "segmenta-charts");
      t.setDaemon(true);
      return t;
    });
    try {
      List<java.util.concurrent.Future<T>> fs = new ArrayList<>();
      for (var j : jobs) fs.add(pool.submit(j));
      List<T> out = new ArrayList<>();
      for (var f : fs) {
        try {
          out.add(f.get());
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof Exception x) throw x;
          if (e.getCause() instanceof Error x) throw x;
          throw e;
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Starting centroids from a table: k rows of d numbers (a header is allowed and ignored). */
  public static double[][] readCentroids(Path file, int k, int d) {
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
