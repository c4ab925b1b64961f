package io.segmenta.bench;

import elki.clustering.kmeans.HamerlyKMeans;
import elki.clustering.kmeans.LloydKMeans;
import elki.clustering.kmeans.initialization.Predefined;
import elki.data.Cluster;
import elki.data.NumberVector;
import elki.data.model.KMeansModel;
import elki.data.type.TypeUtil;
import elki.database.Database;
import elki.database.StaticArrayDatabase;
import elki.database.relation.Relation;
import elki.datasource.ArrayAdapterDatabaseConnection;
import elki.distance.minkowski.SquaredEuclideanDistance;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.ml.clustering.CentroidCluster;
import org.apache.commons.math3.ml.clustering.DoublePoint;
import org.apache.commons.math3.ml.clustering.KMeansPlusPlusClusterer;
import org.apache.commons.math3.random.JDKRandomGenerator;
import smile.clustering.CentroidClustering;
import smile.clustering.Clustering;
import smile.clustering.KMeans;

/**
 * The JVM libraries a user would otherwise pick, on the peer runner's data. ELKI takes the same
 * initial centroids; Smile and Commons Math cannot be given initial centroids (their k-means++
 * seeding is internal), so their rows say so and their inertia is not comparable.
 */
final class JvmPeers {
  private JvmPeers() {}

  /** A peer's run: the converted data's load time, median fit seconds, final centroids, and a note. */
  record Result(String name, String threads, double loadSeconds, double fitSeconds, int iterations, double[][] centroids, String note) {}

  static double[][] toDouble(float[] x, int n, int d) {
    double[][] out = new double[n][d];
    for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) out[i][j] = x[i * d + j];
    return out;
  }

  static Result elki(float[] x, int n, int d, double[][] init, int iters, int repeats, boolean hamerly) {
    long t0 = System.nanoTime();
    Database db = new StaticArrayDatabase(new ArrayAdapterDatabaseConnection(toDouble(x, n, d)));
    db.initialize();
    Relation<NumberVector> rel = db.getRelation(TypeUtil.NUMBER_VECTOR_FIELD);
    double load = (System.nanoTime() - t0) / 1e9;
    int k = init.length;
    double[] times = new double[repeats + 1];
    double[][] centroids = null;
    for (int r = 0; r <= repeats; r++) { // run 0 warms the JIT up
      var km = hamerly ? new HamerlyKMeans<NumberVector>(SquaredEuclideanDistance.STATIC, k, iters, new Predefined(copy(init)), false)
          : new LloydKMeans<NumberVector>(SquaredEuclideanDistance.STATIC, k, iters, new Predefined(copy(init)));
      long s = System.nanoTime();
      elki.data.Clustering<KMeansModel> c = km.run(rel);
      times[r] = (System.nanoTime() - s) / 1e9;
      List<double[]> means = new ArrayList<>();
      for (Cluster<KMeansModel> cl : c.getAllClusters()) means.add(cl.getModel().getMean());
      centroids = means.toArray(double[][]::new);
    }
    return new Result("ELKI 0.8.0 (" + (hamerly ? "Hamerly" : "Lloyd") + ", float64)", "1", load, PeersRunner.median(java.util.Arrays.copyOfRange(times, 1, times.length)),
        iters, centroids, "same initial centroids; runs at most " + iters + " iterations (stops early only on convergence)");
  }

  static Result smile(float[] x, int n, int d, int k, int iters, int repeats) {
    long t0 = System.nanoTime();
    float[][] data = new float[n][d];
    for (int i = 0; i < n; i++) System.arraycopy(x, i * d, data[i], 0, d);
    double load = (System.nanoTime() - t0) / 1e9;
    double[] times = new double[repeats + 1];
    CentroidClustering<float[], float[]> c = null;
    for (int r = 0; r <= repeats; r++) {
      long s = System.nanoTime();
      c = KMeans.fit(data, new Clustering.Options(k, iters, 0.0, null));
      times[r] = (System.nanoTime() - s) / 1e9;
    }
    double[][] centroids = new double[k][d];
    for (int q = 0; q < k; q++) for (int j = 0; j < d; j++) centroids[q][j] = c.center(q)[j];
    return new Result("Smile 6.2.5 (KMeans.fit, float32)", "all", load, PeersRunner.median(java.util.Arrays.copyOfRange(times, 1, times.length)),
        iters, centroids, "own k-means++ seeding inside the timed fit (Smile takes no initial centroids); at most " + iters
            + " iterations; inertia not comparable");
  }

  static Result commonsMath(float[] x, int n, int d, int k, int iters, int repeats) {
    long t0 = System.nanoTime();
    List<DoublePoint> pts = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double[] p = new double[d];
      for (int j = 0; j < d; j++) p[j] = x[i * d + j];
      pts.add(new DoublePoint(p));
    }
    double load = (System.nanoTime() - t0) / 1e9;
    double[] times = new double[repeats + 1];
    List<CentroidCluster<DoublePoint>> cl = null;
    for (int r = 0; r <= repeats; r++) {
      JDKRandomGenerator rng = new JDKRandomGenerator();
      rng.setSeed(7);
      KMeansPlusPlusClusterer<DoublePoint> km = new KMeansPlusPlusClusterer<>(k, iters, new org.apache.commons.math3.ml.distance.EuclideanDistance(), rng);
      long s = System.nanoTime();
      cl = km.cluster(pts);
      times[r] = (System.nanoTime() - s) / 1e9;
    }
    double[][] centroids = new double[cl.size()][];
    for (int q = 0; q < cl.size(); q++) centroids[q] = cl.get(q).getCenter().getPoint();
    return new Result("Apache Commons Math 3.6.1 (KMeansPlusPlusClusterer, float64)", "1", load,
        PeersRunner.median(java.util.Arrays.copyOfRange(times, 1, times.length)), iters, centroids,
        "own k-means++ seeding inside the timed fit (no initial centroids possible); at most " + iters + " iterations; inertia not comparable");
  }

  private static double[][] copy(double[][] a) {
    double[][] c = new double[a.length][];
    for (int i = 0; i < a.length; i++) c[i] = a[i].clone();
    return c;
  }
}
