package io.segmenta.bench;

import io.segmenta.spark.SegmentaKMeans;
import io.segmenta.spark.SegmentaKMeansModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * SegmentaKMeans against Spark MLlib's KMeans in one Spark session (local[N]), side by side on the
 * same cached rows and the same initial centroids: whole fit and per iteration ((T(iters) - T(1)) /
 * (iters - 1), so both sides' fixed costs, MLlib's own caching and Segmenta's block conversion,
 * stay out of the per-iteration figure), and the float64 inertia of each side's final centroids
 * computed here. Then Segmenta's scaling curve in partitions and rows. Prints Markdown tables.
 *
 * <p>Options: --n 1000000 --d 16 --k 32 --iters 10 --repeats 3 --partitions 2 --curve-partitions 1,2,4,8
 * --curve-rows 1000000,10000000 (0 to skip the curve), --mllib true.
 */
public final class SparkPeers {
  private SparkPeers() {}

  public static void main(String[] args) {
    int n = 1_000_000, d = 16, k = 32, iters = 10, repeats = 3, partitions = 2;
    String curveParts = "1,2,4,8", curveRows = "1000000,10000000";
    boolean mllib = true;
    int gmmN = 1_000_000, gmmIters = 3;
    String gmmCov = "data";
    double gmmScale = 1;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--n" -> n = Integer.parseInt(args[i + 1]);
        case "--d" -> d = Integer.parseInt(args[i + 1]);
        case "--k" -> k = Integer.parseInt(args[i + 1]);
        case "--iters" -> iters = Integer.parseInt(args[i + 1]);
        case "--repeats" -> repeats = Integer.parseInt(args[i + 1]);
        case "--partitions" -> partitions = Integer.parseInt(args[i + 1]);
        case "--curve-partitions" -> curveParts = args[i + 1];
        case "--curve-rows" -> curveRows = args[i + 1];
        case "--mllib" -> mllib = Boolean.parseBoolean(args[i + 1]);
        case "--gmm-n" -> gmmN = Integer.parseInt(args[i + 1]);
        case "--gmm-iters" -> gmmIters = Integer.parseInt(args[i + 1]);
        case "--gmm-cov" -> gmmCov = args[i + 1];
        case "--gmm-scale" -> gmmScale = Double.parseDouble(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (iters < 2) throw new IllegalArgumentException("--iters must be at least 2 (per iteration = (T(iters) - T(1)) / (iters - 1))");
    int cores = Runtime.getRuntime().availableProcessors();
    SparkSession spark = SparkSession.builder().master("local[" + cores + "]").appName("segmenta-spark-peers")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
    try {
      String load0 = load();
      io.segmenta.datasets.Blobs blobs = io.segmenta.datasets.Blobs.generate(n, d, k, 1.0, 10.0, 7);
      float[] x = blobs.values();
      double[][] init = PeersRunner.initialCentroids(x, n, d, k, 7);
      // A local checkpoint cuts the lineage back to parallelize(), whose partitions would otherwise ship their
      // rows (78 MB a task) with every task of every stage, cached or not.
      Dataset<Row> df = vectors(spark, x, n, d, partitions).localCheckpoint(true);
      long count = df.count();
      JavaRDD<org.apache.spark.mllib.linalg.Vector> rdd = df.javaRDD()
          .map(r -> org.apache.spark.mllib.linalg.Vectors.fromML((org.apache.spark.ml.linalg.Vector) r.get(0)))
          .persist(StorageLevel.MEMORY_ONLY());
      rdd.count();
      System.out.printf(Locale.ROOT, "%n%d x %d, k = %d, %d partitions, local[%d], %d Lloyd iterations (tol 0), median of %d; load average %s%n%n",
          count, d, k, partitions, cores, iters, repeats, load0);
      System.out.println("| contender | whole fit s (iters) | whole fit s (1 iter) | s/iter | iterations | inertia (float64) | rel. diff | speed-up per iter |");
      System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
      double[] seg = segmenta(df, init, iters, repeats);
      double segIter = (seg[0] - seg[1]) / (iters - 1);
      double segInertia = PeersRunner.inertia64(x, n, d, centroids);
      row("Segmenta (SegmentaKMeans, cpu)", seg[0], seg[1], segIter, (int) seg[2], segInertia, Double.NaN, Double.NaN);
      if (mllib) {
        double[] ml = mllib(rdd, init, iters, repeats);
        double mlIter = (ml[0] - ml[1]) / (iters - 1);
        double mlInertia = PeersRunner.inertia64(x, n, d, centroids);
        row("Spark MLlib KMeans 4.2.0 (RDD API, initial model)", ml[0], ml[1], mlIter, iters, mlInertia, Math.abs(mlInertia - segInertia) / segInertia,
            mlIter / segIter);
      }
      System.out.printf(Locale.ROOT, "%nSegmenta's own iteration times in its last fit (one Spark job each): median %.4f s, min %.4f s%n",
          median(ownIterations), Arrays.stream(ownIterations).min().orElse(Double.NaN));
      if (gmmN > 0) gmm(spark, scaled(x, Math.min(gmmN, n) * d, gmmScale), Math.min(gmmN, n), d, scaled(init, gmmScale), gmmIters, partitions, gmmCov, gmmScale);
      df.unpersist();
      rdd.unpersist();
      if (!curveRows.equals("0")) curve(spark, d, k, iters, curveParts, curveRows);
      System.out.println("\nload average after: " + load());
    } finally {
      spark.stop();
    }
  }

  /** The last fit's final centroids, for the inertia check. */
  private static double[][] centroids;
  /** The last Segmenta fit's own iteration times (one Spark job each). */
  private static double[] ownIterations = new double[0];

  private static double[] segmenta(Dataset<Row> df, double[][] init, int iters, int repeats) {
    double[] whole = new double[repeats], one = new double[repeats];
    int it = 0;
    fitSegmenta(df, init, 2); // warm-up: JIT and the executors' backend
    for (int r = 0; r < repeats; r++) {
      long t0 = System.nanoTime();
      SegmentaKMeansModel m = fitSegmenta(df, init, iters);
      whole[r] = (System.nanoTime() - t0) / 1e9;
      it = m.numIter();
      centroids = m.engineModel().centroidsInInputUnits();
      ownIterations = m.iterationSeconds().stream().mapToDouble(Double::doubleValue).toArray();
      long t1 = System.nanoTime();
      fitSegmenta(df, init, 1);
      one[r] = (System.nanoTime() - t1) / 1e9;
    }
    return new double[] {median(whole), median(one), it};
  }

  private static SegmentaKMeansModel fitSegmenta(Dataset<Row> df, double[][] init, int iters) {
    return new SegmentaKMeans().setK(init.length).setInitialCentroids(init).setMaxIter(iters).setTol(0).setBackend("cpu").fit(df);
  }

  private static double[] mllib(JavaRDD<org.apache.spark.mllib.linalg.Vector> rdd, double[][] init, int iters, int repeats) {
    double[] whole = new double[repeats], one = new double[repeats];
    fitMllib(rdd, init, 2);
    for (int r = 0; r < repeats; r++) {
      long t0 = System.nanoTime();
      org.apache.spark.mllib.clustering.KMeansModel m = fitMllib(rdd, init, iters);
      whole[r] = (System.nanoTime() - t0) / 1e9;
      centroids = Arrays.stream(m.clusterCenters()).map(org.apache.spark.mllib.linalg.Vector::toArray).toArray(double[][]::new);
      long t1 = System.nanoTime();
      fitMllib(rdd, init, 1);
      one[r] = (System.nanoTime() - t1) / 1e9;
    }
    return new double[] {median(whole), median(one)};
  }

  private static org.apache.spark.mllib.clustering.KMeansModel fitMllib(JavaRDD<org.apache.spark.mllib.linalg.Vector> rdd, double[][] init, int iters) {
    org.apache.spark.mllib.linalg.Vector[] start = new org.apache.spark.mllib.linalg.Vector[init.length];
    for (int c = 0; c < init.length; c++) start[c] = org.apache.spark.mllib.linalg.Vectors.dense(init[c]);
    // Epsilon 0: like tol 0, it stops early only when no centroid moved.
    return new org.apache.spark.mllib.clustering.KMeans().setK(init.length).setMaxIterations(iters).setEpsilon(0)
        .setInitialModel(new org.apache.spark.mllib.clustering.KMeansModel(start)).run(rdd.rdd());
  }

  /**
   * The GMM case's rows times {@code s}. MLlib's E-step adds densities, not log-densities, so at d = 16 a data-wide start
   * underflows (every row gets 1/k of every component and EM stalls, ending MLlib's loop early under tol 0); shrunk rows
   * have densities far above that floor, and both sides then follow the same EM path.
   */
  static float[] scaled(float[] x, int len, double s) {
    if (s == 1) return x;
    float[] y = new float[len];
    for (int i = 0; i < len; i++) y[i] = (float) (x[i] * s);
    return y;
  }

  static double[][] scaled(double[][] m, double s) {
    double[][] r = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      r[i] = m[i].clone();
      for (int j = 0; j < r[i].length; j++) r[i][j] *= s;
    }
    return r;
  }

  /**
   * SegmentaGaussianMixture (full covariances) against MLlib's GaussianMixture (RDD API, initial model) from the
   * same initial Gaussians (the K-Means initial centroids, the covariances --gmm-cov names, equal weights), no
   * regularisation on either side; one fit of each length (MLlib's EM costs seconds per iteration here).
   */
  private static void gmm(SparkSession spark, float[] x, int n, int d, double[][] init, int iters, int partitions, String covInit, double rowScale) {
    int k = init.length;
    double[] w = new double[k];
    java.util.Arrays.fill(w, 1.0 / k);
    // Initial covariances: "identity", or "data" (the default): diagonal, each column's variance over the rows. MLlib's E-step
    // multiplies densities (pdf, not log-densities) plus 1e-16, so rows whose density underflows under every starting component
    // get 1/k each; a start as wide as the data keeps both sides on the same EM path.
    double[] var = new double[d];
    if (covInit.equals("data")) {
      double[] mean = new double[d];
      for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += x[i * d + j];
      for (int j = 0; j < d; j++) mean[j] /= n;
      for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) var[j] += (x[i * d + j] - mean[j]) * (x[i * d + j] - mean[j]);
      for (int j = 0; j < d; j++) var[j] /= n;
    } else if (covInit.equals("identity")) {
      java.util.Arrays.fill(var, 1.0);
    } else {
      throw new IllegalArgumentException("--gmm-cov must be identity or data, got " + covInit);
    }
    double[][][] cov = new double[k][d][d];
    for (int c = 0; c < k; c++) for (int j = 0; j < d; j++) cov[c][j][j] = var[j];
    Dataset<Row> df = vectors(spark, x, n, d, partitions).localCheckpoint(true);
    df.count();
    JavaRDD<org.apache.spark.mllib.linalg.Vector> rdd = df.javaRDD()
        .map(r -> org.apache.spark.mllib.linalg.Vectors.fromML((org.apache.spark.ml.linalg.Vector) r.get(0))).persist(StorageLevel.MEMORY_ONLY());
    rdd.count();
    java.util.function.IntFunction<io.segmenta.spark.SegmentaGaussianMixtureModel> seg = it -> new io.segmenta.spark.SegmentaGaussianMixture()
        .setInitialGaussians(w, init, cov).setRegCovar(0).setMaxIter(it).setTol(0).setBackend("cpu").fit(df);
    java.util.function.IntFunction<org.apache.spark.mllib.clustering.GaussianMixtureModel> ml = it -> {
      org.apache.spark.mllib.stat.distribution.MultivariateGaussian[] g = new org.apache.spark.mllib.stat.distribution.MultivariateGaussian[k];
      for (int c = 0; c < k; c++) {
        double[] cm = new double[d * d];
        for (int a = 0; a < d; a++) cm[a * d + a] = var[a];
        g[c] = new org.apache.spark.mllib.stat.distribution.MultivariateGaussian(org.apache.spark.mllib.linalg.Vectors.dense(init[c]),
            org.apache.spark.mllib.linalg.Matrices.dense(d, d, cm));
      }
      return new org.apache.spark.mllib.clustering.GaussianMixture().setK(k).setMaxIterations(it).setConvergenceTol(0)
          .setInitialModel(new org.apache.spark.mllib.clustering.GaussianMixtureModel(w.clone(), g)).run(rdd.rdd());
    };
    seg.apply(1); // warm-up
    long t0 = System.nanoTime();
    io.segmenta.spark.SegmentaGaussianMixtureModel sm = seg.apply(iters);
    double sWhole = (System.nanoTime() - t0) / 1e9;
    long t1 = System.nanoTime();
    seg.apply(1);
    double sOne = (System.nanoTime() - t1) / 1e9;
    long t2 = System.nanoTime();
    org.apache.spark.mllib.clustering.GaussianMixtureModel mm = ml.apply(iters);
    double mWhole = (System.nanoTime() - t2) / 1e9;
    long t3 = System.nanoTime();
    ml.apply(1);
    double mOne = (System.nanoTime() - t3) / 1e9;
    double worst = 0, scale = 0;
    double[][] means = sm.engineModel().means();
    for (int c = 0; c < k; c++) {
      double[] mu = mm.gaussians()[c].mu().toArray();
      for (int j = 0; j < d; j++) {
        worst = Math.max(worst, Math.abs(mu[j] - means[c][j]));
        scale = Math.max(scale, Math.abs(means[c][j]));
      }
    }
    double sIter = (sWhole - sOne) / (iters - 1), mIter = (mWhole - mOne) / (iters - 1);
    // Both final models judged by one float64 function (MLlib's logpdf), so the figures compare like with like.
    org.apache.spark.ml.stat.distribution.MultivariateGaussian[] sg = sm.gaussians();
    org.apache.spark.mllib.stat.distribution.MultivariateGaussian[] mg = mm.gaussians();
    double sLl = 0, mLl = 0;
    double[] lp = new double[k];
    for (int i = 0; i < n; i++) {
      double[] r = row(x, d, i);
      org.apache.spark.ml.linalg.Vector v = org.apache.spark.ml.linalg.Vectors.dense(r);
      for (int c = 0; c < k; c++) lp[c] = Math.log(sm.weights()[c]) + sg[c].logpdf(v);
      sLl += logSumExp(lp);
      org.apache.spark.mllib.linalg.Vector u = org.apache.spark.mllib.linalg.Vectors.dense(r);
      for (int c = 0; c < k; c++) lp[c] = Math.log(mm.weights()[c]) + mg[c].logpdf(u);
      mLl += logSumExp(lp);
    }
    sLl /= n;
    mLl /= n;
    System.out.printf(Locale.ROOT, "%nGaussian mixture, %d x %d, k = %d, full covariances, %d EM iterations (tol 0), same initial Gaussians "
        + "(covariances: %s, rows scaled by %s), one fit of each length; s/iter = (T(%d) - T(1)) / %d; load average %s%n%n", n, d, k, iters, covInit, rowScale, iters, iters - 1, load());
    System.out.println("| contender | whole fit s | whole fit s (1 iter) | s/iter | own figure | mean log-likelihood of the final model (float64, runner) | speed-up per iter |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|");
    System.out.printf(Locale.ROOT, "| Segmenta (SegmentaGaussianMixture, cpu) | %.2f | %.2f | %.3f | lower bound %.10g | %.10g | - |%n", sWhole, sOne, sIter,
        sm.lowerBound(), sLl);
    System.out.printf(Locale.ROOT, "| Spark MLlib GaussianMixture 4.2.0 (RDD API, initial model) | %.2f | %.2f | %.3f | - | %.10g | %.2fx |%n", mWhole, mOne,
        mIter, mLl, mIter / sIter);
    System.out.printf(Locale.ROOT, "%nlargest difference of the final means: %.2e (relative to the largest mean component %.3g)%n", worst / scale, scale);
    rdd.unpersist();
    df.unpersist();
  }

  private static double[] row(float[] x, int d, int i) {
    double[] v = new double[d];
    for (int j = 0; j < d; j++) v[j] = x[i * d + j];
    return v;
  }

  private static double logSumExp(double[] a) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : a) m = Math.max(m, v);
    double s = 0;
    for (double v : a) s += Math.exp(v - m);
    return m + Math.log(s);
  }

  /** Segmenta per iteration over partitions and rows; rows are generated inside the partitions (no driver copy). */
  private static void curve(SparkSession spark, int d, int k, int iters, String parts, String rows) {
    System.out.printf(Locale.ROOT, "%nScaling (Segmenta only; rows generated in the partitions; one %d-iteration fit after a warm-up fit; "
        + "s/iter = median of the fit's own iteration times, one Spark job each)%n%n", iters);
    System.out.println("| rows | partitions | whole fit s | s/iter (median) | s/iter (min) | rows/s per iteration |");
    System.out.println("|---:|---:|---:|---:|---:|---:|");
    for (String rs : rows.split(",")) {
      long n = Long.parseLong(rs.strip());
      for (String ps : parts.split(",")) {
        int p = Integer.parseInt(ps.strip());
        Dataset<Row> df = generated(spark, n, d, k, p).persist(StorageLevel.MEMORY_ONLY());
        df.count();
        double[][] init = new double[k][d];
        List<Row> first = df.limit(k).collectAsList();
        for (int c = 0; c < k; c++) init[c] = ((org.apache.spark.ml.linalg.Vector) first.get(c).get(0)).toArray();
        fitSegmenta(df, init, 2);
        long t0 = System.nanoTime();
        SegmentaKMeansModel m = fitSegmenta(df, init, iters);
        double whole = (System.nanoTime() - t0) / 1e9;
        double[] its = m.iterationSeconds().stream().mapToDouble(Double::doubleValue).toArray();
        double per = median(its);
        double min = Arrays.stream(its).min().orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "| %d | %d | %.2f | %.4f | %.4f | %.3g |%n", n, p, whole, per, min, n / per);
        df.unpersist(true);
      }
    }
  }

  private static Dataset<Row> generated(SparkSession spark, long n, int d, int k, int partitions) {
    long per = (n + partitions - 1) / partitions;
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Integer> ids = new ArrayList<>();
    for (int p = 0; p < partitions; p++) ids.add(p);
    JavaRDD<Row> rows = jsc.parallelize(ids, partitions).flatMap(p -> {
      java.util.SplittableRandom rng = new java.util.SplittableRandom(1000 + p);
      java.util.SplittableRandom centres = new java.util.SplittableRandom(99);
      double[][] c = new double[k][d];
      for (double[] cc : c) for (int j = 0; j < d; j++) cc[j] = centres.nextDouble(-10, 10);
      long m = Math.min(per, n - (long) p * per);
      List<Row> out = new ArrayList<>((int) Math.max(0, m));
      for (long i = 0; i < m; i++) {
        double[] v = new double[d];
        double[] cc = c[rng.nextInt(k)];
        for (int j = 0; j < d; j++) v[j] = (float) (cc[j] + rng.nextGaussian());
        out.add(RowFactory.create(org.apache.spark.ml.linalg.Vectors.dense(v)));
      }
      return out.iterator();
    });
    return spark.createDataFrame(rows, new StructType(new StructField[] {new StructField("features", new VectorUDT(), false, Metadata.empty())}));
  }

  private static Dataset<Row> vectors(SparkSession spark, float[] x, int n, int d, int partitions) {
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double[] v = new double[d];
      for (int j = 0; j < d; j++) v[j] = x[i * d + j];
      rows.add(RowFactory.create(org.apache.spark.ml.linalg.Vectors.dense(v)));
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return spark.createDataFrame(jsc.parallelize(rows, partitions),
        new StructType(new StructField[] {new StructField("features", new VectorUDT(), false, Metadata.empty())}));
  }

  private static void row(String name, double whole, double one, double perIter, int it, double inertia, double rel, double speedup) {
    System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.4f | %d | %.10e | %s | %s |%n", name, whole, one, perIter, it, inertia,
        Double.isNaN(rel) ? "-" : String.format(Locale.ROOT, "%.1e", rel), Double.isNaN(speedup) ? "-" : String.format(Locale.ROOT, "%.2fx", speedup));
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static String load() {
    try {
      return String.join(" ", Arrays.copyOf(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" "), 3));
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }
}
