package io.segmenta;

import io.segmenta.data.Dataset;
import io.segmenta.kernels.Assignments;
import io.segmenta.kernels.BackendChoice;
import io.segmenta.kernels.BackendInfo;
import io.segmenta.kernels.BackendKind;
import io.segmenta.kernels.Backends;
import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;
import io.segmenta.kernels.GpuKernelException;
import io.segmenta.kernels.KMeansStepResult;
import io.segmenta.kmeans.KMeans;
import io.segmenta.kmeans.KMeansModel;
import io.segmenta.kmeans.KMeansParams;
import io.segmenta.kmeans.KMeansResult;
import io.segmenta.kmeans.MiniBatchKMeans;
import io.segmenta.kmeans.MiniBatchParams;
import io.segmenta.kmeans.Prediction;
import io.segmenta.metrics.Silhouette;
import io.segmenta.model.ModelFile;
import io.segmenta.run.RunControl;
import io.segmenta.store.PublishedAssignments;
import io.segmenta.store.FeatureStore;
import io.segmenta.store.Recommender;
import io.segmenta.store.SegmentLookup;
import java.nio.file.Path;
import io.segmenta.mixture.GaussianMixture;
import io.segmenta.mixture.GmmModel;
import io.segmenta.mixture.GmmParams;
import io.segmenta.mixture.GmmResult;
import java.util.Objects;

/**
 * The engine's entry point. Open one, run segmentations, close it to free the backend.
 *
 * <pre>{@code
 * try (Segmenta engine = Segmenta.open()) {
 *   Dataset data = Dataset.of(rows);
 *   KMeansResult r = engine.kmeans(data, KMeansParams.builder(8).nInit(10).seed(1).build());
 *   int[] segments = engine.predict(r.model(), newRows);
 * }
 * }</pre>
 *
 * <p>Thread-safe: concurrent runs on one instance share its backend and give the same results as
 * the same runs one after another.
 */
public final class Segmenta implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Segmenta.class.getName());

  private final ComputeBackend backend;
  private final EngineOptions options;
  private ComputeBackend cpu; // opened on the first fallback

  Segmenta(ComputeBackend backend, EngineOptions options) {
    this.backend = backend;
    this.options = options;
  }

  /** Opens the engine on the {@code auto} backend with one thread per core. */
  public static Segmenta open() {
    return open(EngineOptions.DEFAULTS);
  }

  /**
   * Opens the engine on the backend the options ask for.
   *
   * @throws io.segmenta.kernels.BackendUnavailableException if that backend cannot run here
   */
  public static Segmenta open(EngineOptions options) {
    return new Segmenta(Backends.open(options.backend(), options.backendOptions()), options);
  }

  /** Writes {@code model} to {@code file} in the versioned model format, atomically. */
  public static void saveModel(KMeansModel model, Path file) {
    ModelFile.save(model, file);
  }

  /**
   * Reads a model file written by {@link #saveModel}.
   *
   * @throws io.segmenta.model.ModelFormatException if the file is not a model, truncated, corrupt or
   *     from a newer format version
   */
  public static KMeansModel loadModel(Path file) {
    return ModelFile.load(file);
  }

  /** Writes a Gaussian mixture to {@code file} in the versioned model format, atomically. */
  public static void saveModel(GmmModel model, Path file) {
    ModelFile.save(model, file);
  }

  /** Writes a DBSCAN model (core points, eps, scaling) to {@code file}, atomically. */
  public static void saveModel(io.segmenta.density.DbscanModel model, Path file) {
    ModelFile.save(model, file);
  }

  /** The kind of model a file holds (K-Means, Gaussian mixture or DBSCAN), after checking the whole file. */
  public static ModelFile.Kind modelKind(Path file) {
    return ModelFile.kindOf(file);
  }

  /** Reads a Gaussian mixture written by {@link #saveModel(GmmModel, Path)}. */
  public static GmmModel loadGmmModel(Path file) {
    return ModelFile.loadGmm(file);
  }

  /** Reads a DBSCAN model written by {@link #saveModel(io.segmenta.density.DbscanModel, Path)}. */
  public static io.segmenta.density.DbscanModel loadDbscanModel(Path file) {
    return ModelFile.loadDbscan(file);
  }

  /**
   * Opens a feature store written by {@code segment ingest} or {@link io.segmenta.store.FeatureStoreWriter}:
   * {@code store.dataset()} is what {@link #kmeans} takes.
   *
   * @throws io.segmenta.store.StoreException if the store is missing, incomplete or corrupt
   */
  public static FeatureStore openStore(Path store) {
    return FeatureStore.open(store);
  }

  /**
   * Customers' segments from the newest run published into a store: {@code lookup.segmentOf(id)} is
   * one O(1) off-heap map read, and moves to a newer run within a second of its publication.
   */
  public static SegmentLookup lookup(Path store) {
    return SegmentLookup.open(store, 1000);
  }

  /**
   * Product recommendations from the newest run published into a store from a transaction log:
   * {@code recommender.recommend(customerId, n)} gives the segment's most characteristic products
   * (by lift) that the customer has not bought.
   */
  public static Recommender recommender(Path store) {
    return Recommender.open(store);
  }

  /**
   * Publishes a run on a store's rows, so that {@link #lookup} serves it; returns its version.
   * Readers move from the previous run to this one atomically.
   */
  public static long publish(FeatureStore store, KMeansResult result) {
    Dataset d = store.dataset();
    // The model and the segment sizes go with the labels, so that a service predicts with the run it serves.
    ModelFile.save(result.model(), PublishedAssignments.staged(store.dir(), PublishedAssignments.MODEL_FILE));
    long[] sizes = new long[result.model().k()];
    for (int label : result.labels()) sizes[label]++;
    java.util.List<String> names = new java.util.ArrayList<>();
    for (int s = 0; s < sizes.length; s++) names.add("segment " + s);
    io.segmenta.store.PreviousRun.writeInsights(PublishedAssignments.staged(store.dir(), PublishedAssignments.INSIGHTS_FILE).getParent(), names, sizes, null);
    return PublishedAssignments.publish(store.dir(), store.rows(), store::idOf, result.labels(), result.distances(),
        PublishedAssignments.runJson("kmeans", result.model().k(), d.rows(), result.model().inertia(), result.backend().name()));
  }

  /**
   * The exact silhouette score of a labelling (as scikit-learn's {@code silhouette_score}), all n^2
   * distances computed in tiles by this engine's backend. Pass the data in the space it was
   * clustered in ({@code model.scaling().apply(data)} when the model scales).
   */
  public double silhouette(Dataset data, int[] labels) {
    return Silhouette.exact(backend, data, labels);
  }

  /**
   * Agglomerative clustering (Ward, complete, average or single linkage) of up to
   * {@link io.segmenta.hierarchy.Hierarchical#MAX_ROWS} rows: a linkage matrix in SciPy's format;
   * {@code Hierarchical.cut(z, k)} or {@code cutAt(z, height)} gives labels.
   */
  public static double[][] linkage(Dataset data, io.segmenta.hierarchy.Linkage method) {
    return io.segmenta.hierarchy.Hierarchical.linkage(data, method);
  }

  /**
   * DBSCAN with scikit-learn's conventions (label -1 for noise). Up to 3 columns a grid index,
   * below {@value io.segmenta.density.Dbscan#PAIRWISE_FROM_D} a k-d tree, from there the active
   * backend's pairwise kernel (on the GPU when one is active): O(n) memory in every case.
   */
  public io.segmenta.density.Dbscan.Result dbscan(Dataset data, double eps, int minPts) {
    if (data.cols() >= io.segmenta.density.Dbscan.PAIRWISE_FROM_D) return io.segmenta.density.Dbscan.fitPairwise(backend, data, eps, minPts);
    return io.segmenta.density.Dbscan.fit(data, eps, minPts);
  }


  /** Each row's silhouette value (for silhouette plots), exact, through this engine's backend. */
  public double[] silhouetteValues(Dataset data, int[] labels) {
    return Silhouette.values(backend, data, labels);
  }

  /** The silhouette score on a uniform sample of {@code sampleSize} rows, for data too large for n^2. */
  public double silhouette(Dataset data, int[] labels, int sampleSize, long seed) {
    return Silhouette.sampled(backend, data, labels, sampleSize, seed);
  }

  /** The backend in use. */
  public BackendInfo backend() {
    return backend.info();
  }

  /** Runs K-Means with no progress reporting. */
  public KMeansResult kmeans(Dataset data, KMeansParams params) {
    return kmeans(data, params, RunControl.none());
  }

  /** Runs K-Means, reporting progress to and checking cancellation of {@code control}. */
  public KMeansResult kmeans(Dataset data, KMeansParams params, RunControl control) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(params, "params");
    Objects.requireNonNull(control, "control");
    return withFallback("K-Means", be -> KMeans.fit(be, data, params, control));
  }

  /**
   * Runs K-Means on rows whose preprocessing is already fitted and applied
   * ({@code Preprocessed.fit(params.scale(), params.log1p(), data)}), as a sweep over k does once.
   */
  public KMeansResult kmeans(Dataset data, io.segmenta.preprocess.Preprocessed pre, KMeansParams params, RunControl control) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(pre, "pre");
    Objects.requireNonNull(params, "params");
    Objects.requireNonNull(control, "control");
    return withFallback("K-Means", be -> KMeans.fit(be, data, pre, params, control));
  }

  /**
   * Runs {@code fit} on the active backend; when a GPU kernel fails and the options ask for it, runs
   * it again, whole, on the CPU (a fit never continues half on one device and half on another).
   */
  private <T> T withFallback(String what, java.util.function.Function<ComputeBackend, T> fit) {
    try {
      return fit.apply(backend);
    } catch (GpuKernelException e) {
      if (!options.cpuFallback() || backend.info().kind() == BackendKind.CPU) throw e;
      LOG.log(System.Logger.Level.WARNING, e.getMessage() + "; running " + what + " again on the CPU (cpuFallback)");
      return fit.apply(cpuBackend());
    }
  }

  /**
   * Hierarchical clustering past the exact mode's row limit: K-Means micro-clusters (random
   * seeding, 20 Lloyd iterations: they summarise, they need not converge), then the hierarchy over
   * their row-weighted centroids; see {@link io.segmenta.hierarchy.Hierarchical.TwoStage}.
   *
   * @param microClusters between 2 and 10,000; 1,000 to 10,000 keeps the detail that matters
   */
  public io.segmenta.hierarchy.Hierarchical.TwoStage hierarchicalTwoStage(Dataset data, io.segmenta.hierarchy.Linkage method,
                                                                          int microClusters, long seed) {
    if (microClusters < io.segmenta.hierarchy.Hierarchical.MIN_MICRO || microClusters > io.segmenta.hierarchy.Hierarchical.MAX_MICRO) {
      throw new InvalidInputException("micro-clusters must be in " + io.segmenta.hierarchy.Hierarchical.MIN_MICRO + ".."
          + io.segmenta.hierarchy.Hierarchical.MAX_MICRO + ", got " + microClusters);
    }
    int m = (int) Math.min(microClusters, data.distinctRows(microClusters));
    KMeansResult km = kmeans(data, KMeansParams.builder(m).init(io.segmenta.kmeans.Init.RANDOM).nInit(1).maxIter(20).seed(seed).build());
    double[] w = new double[m];
    float[] dw = data.weights();
    int[] labels = km.labels();
    for (int i = 0; i < labels.length; i++) w[labels[i]] += dw == null ? 1 : dw[i];
    // Micro-clusters left without weight take no part (their Ward cost would be 0 / 0).
    int[] remap = new int[m];
    int live = 0;
    for (int c = 0; c < m; c++) remap[c] = w[c] > 0 ? live++ : -1;
    double[][] cent = new double[live][];
    double[] lw = new double[live];
    double[][] all = km.model().centroids();
    for (int c = 0; c < m; c++) {
      if (remap[c] < 0) continue;
      cent[remap[c]] = all[c];
      lw[remap[c]] = w[c];
    }
    int[] micro = new int[labels.length];
    for (int i = 0; i < labels.length; i++) micro[i] = remap[labels[i]];
    return new io.segmenta.hierarchy.Hierarchical.TwoStage(micro, cent, lw,
        io.segmenta.hierarchy.Hierarchical.linkageWeighted(cent, lw, method));
  }

  /** Fits a Gaussian mixture (EM on the active backend, scikit-learn's algorithm and defaults). */
  public GmmResult gmm(Dataset data, GmmParams params) {
    return gmm(data, params, RunControl.none());
  }

  /** Fits a Gaussian mixture, checking cancellation of {@code control}. */
  public GmmResult gmm(Dataset data, GmmParams params, RunControl control) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(params, "params");
    Objects.requireNonNull(control, "control");
    return withFallback("the mixture fit", be -> GaussianMixture.fit(be, data, params, control));
  }

  /** The most probable component (0-based) of each row, after the model's scaling. */
  public int[] predict(GmmModel model, Dataset data) {
    int[] out = new int[Math.toIntExact(data.rows())];
    int k = model.k();
    GaussianMixture.posterior(backend, model, model.scaling().apply(data), (from, count, lr, ll) -> {
      for (int i = 0; i < count; i++) {
        int arg = 0;
        for (int c = 1; c < k; c++) if (lr[i * k + c] > lr[i * k + arg]) arg = c;
        out[from + i] = arg;
      }
    });
    return out;
  }

  /** The DBSCAN cluster of each new row (after the model's scaling): its nearest core point's within eps, else -1. */
  public int[] predict(io.segmenta.density.DbscanModel model, Dataset data) {
    return model.predict(backend, model.scaling().apply(data));
  }

  /** Each row's probability of belonging to each component ({@code [n][k]}, rows sum to 1). */
  public double[][] predictProba(GmmModel model, Dataset data) {
    double[][] out = new double[Math.toIntExact(data.rows())][model.k()];
    int k = model.k();
    GaussianMixture.posterior(backend, model, model.scaling().apply(data), (from, count, lr, ll) -> {
      for (int i = 0; i < count; i++) for (int c = 0; c < k; c++) out[from + i][c] = Math.exp(lr[i * k + c]);
    });
    return out;
  }

  /** Each row's log-likelihood under the model, in the scaled space (scikit-learn's {@code score_samples}). */
  public double[] scoreSamples(GmmModel model, Dataset data) {
    double[] out = new double[Math.toIntExact(data.rows())];
    GaussianMixture.posterior(backend, model, model.scaling().apply(data), (from, count, lr, ll) -> System.arraycopy(ll, 0, out, from, count));
    return out;
  }

  /**
   * Mini-batch K-Means for data at 10^8 rows (k-means|| seeding by default): batches assigned on the
   * active backend, one full pass at the end for every row's segment.
   */
  public KMeansResult miniBatchKMeans(Dataset data, MiniBatchParams params) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(params, "params");
    return withFallback("mini-batch K-Means", be -> MiniBatchKMeans.fit(be, data, params, RunControl.none()));
  }

  /** Mini-batch K-Means on rows whose preprocessing is already fitted and applied. */
  public KMeansResult miniBatchKMeans(Dataset data, io.segmenta.preprocess.Preprocessed pre, MiniBatchParams params) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(pre, "pre");
    Objects.requireNonNull(params, "params");
    return withFallback("mini-batch K-Means", be -> MiniBatchKMeans.fit(be, data, pre, params, RunControl.none()));
  }

  private synchronized ComputeBackend cpuBackend() {
    if (cpu == null) cpu = Backends.open(BackendChoice.CPU, options.backendOptions());
    return cpu;
  }

  /** The segment (0-based) of each row of {@code data}, after the model's scaling. */
  public int[] predict(KMeansModel model, Dataset data) {
    return assign(model, data).labels();
  }

  /**
   * Each row's segment and squared distance to its centroid, after the model's scaling; the same
   * segments as {@link #predict}.
   */
  public Prediction assign(KMeansModel model, Dataset data) {
    Dataset x = prepare(model, data);
    int n = Math.toIntExact(x.rows());
    try (DeviceMatrix dm = backend.upload(x.matrix(), null); Assignments a = backend.newAssignments(n)) {
      backend.kmeansStep(dm, model.centroidsFlat(), model.k(), a, new KMeansStepResult(model.k(), model.d()));
      int[] labels = new int[n];
      float[] dist = new float[n];
      a.copyLabels(0, labels, 0, n);
      a.copyDistances(0, dist, 0, n);
      return new Prediction(labels, dist);
    }
  }

  /**
   * Euclidean distances (not squared, as scikit-learn's {@code transform}) from each row to each
   * centroid, in the model's scaled space: {@code [n][k]}.
   */
  public double[][] transform(KMeansModel model, Dataset data) {
    Dataset x = prepare(model, data);
    int n = Math.toIntExact(x.rows());
    int k = model.k();
    double[][] out = new double[n][k];
    try (DeviceMatrix dm = backend.upload(x.matrix(), null)) {
      int tile = Math.max(1, Math.min(n, (1 << 20) / k));
      float[] buf = new float[tile * k];
      for (int from = 0; from < n; from += tile) {
        int cnt = Math.min(tile, n - from);
        backend.pairwiseSquaredDistances(dm, from, cnt, model.centroidsFlat(), k, buf);
        for (int i = 0; i < cnt; i++) {
          for (int c = 0; c < k; c++) out[from + i][c] = Math.sqrt(buf[i * k + c]);
        }
      }
    }
    return out;
  }

  private static Dataset prepare(KMeansModel model, Dataset data) {
    if (data.cols() != model.d()) {
      throw new InvalidInputException("the data has " + data.cols() + " columns, the model was fitted on "
          + model.d() + " (" + String.join(", ", model.columns()) + ")");
    }
    return model.scaling().apply(data);
  }

  @Override
  public synchronized void close() {
    if (cpu != null) cpu.close();
    backend.close();
  }
}
