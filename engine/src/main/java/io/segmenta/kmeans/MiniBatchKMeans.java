package io.segmenta.kmeans;

import io.segmenta.InvalidInputException;
import io.segmenta.data.Dataset;
import io.segmenta.kernels.Assignments;
import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;
import io.segmenta.kernels.KMeansStepResult;
import io.segmenta.metrics.Silhouette;
import io.segmenta.preprocess.FeatureScaling;
import io.segmenta.run.RunControl;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Mini-batch K-Means (Sculley 2010), as scikit-learn's {@code MiniBatchKMeans} without the
 * reassignment of rarely hit centroids: each step draws a batch, assigns it on the backend, and
 * moves every centroid to the running mean of all rows it has received ({@code c <- (c * W + S) /
 * (W + w)}). Memory is the batch and the labels of the final pass; the data itself is read where
 * it lies (a mapped store streams). The returned model is a plain K-Means model.
 */
public final class MiniBatchKMeans {
  private MiniBatchKMeans() {}

  public static KMeansResult fit(ComputeBackend backend, Dataset data, MiniBatchParams p, RunControl control) {
    return fit(backend, data, null, p, control);
  }

  /** As {@link #fit(ComputeBackend, Dataset, MiniBatchParams, RunControl)} with the preprocessing already fitted, or null. */
  public static KMeansResult fit(ComputeBackend backend, Dataset data, io.segmenta.preprocess.Preprocessed pre, MiniBatchParams p,
                                 RunControl control) {
    long t0 = System.nanoTime();
    int k = p.k(), d = data.cols();
    long n = data.rows();
    if (k > n) throw new InvalidInputException("k = " + k + " is larger than the number of rows (" + n + ")");
    if (pre == null) pre = io.segmenta.preprocess.Preprocessed.fit(p.scale(), p.log1p(), data);
    else pre.checkFits(data, p.scale());
    FeatureScaling scaling = pre.scaling();
    Dataset x = pre.scaled();
    SplittableRandom rng = new SplittableRandom(p.seed());
    float[] w = x.weights();

    try (DeviceMatrix full = backend.upload(x.matrix(), w)) {
      return run(backend, full, data, x, scaling, p, rng, control, t0);
    }
  }

  private static KMeansResult run(ComputeBackend backend, DeviceMatrix full, Dataset data, Dataset x, FeatureScaling scaling,
                                  MiniBatchParams p, SplittableRandom rng, RunControl control, long t0) {
    int k = p.k(), d = x.cols();
    long n = x.rows();
    float[] w = x.weights();
    double[] centers = null;
    if (p.init() == Init.KMEANS_PARALLEL) centers = KMeansParallel.init(backend, full, x, k, rng, control);
    if (centers == null) {
      int m = (int) Math.min(n, Math.max(3L * p.batchSize(), 3L * k));
      long[] rows = Silhouette.sampleRows(n, m, rng.nextLong());
      centers = KMeans.fit(backend, subset(x, rows, w), KMeansParams.builder(k).seed(rng.nextLong()).build(), control).model().centroidsFlat();
    }

    KMeansStepResult res = new KMeansStepResult(k, d);
    int b = (int) Math.min(p.batchSize(), n);
    long[] batch = new long[b];
    MiniBatchUpdate update = new MiniBatchUpdate(k, d, n, b, p.maxNoImprovement());
    int steps = 0;
    boolean converged = false;
    while (steps < p.maxSteps()) {
      if ((steps & 15) == 0) control.checkCancelled();
      for (int i = 0; i < b; i++) batch[i] = rng.nextLong(n);
      Arrays.sort(batch); // sequential reads of a mapped store
      Dataset bx = subset(x, batch, w);
      try (DeviceMatrix dm = backend.upload(bx.matrix(), bx.weights()); Assignments asg = backend.newAssignments(b)) {
        backend.kmeansStep(dm, centers, k, asg, res);
      }
      steps++;
      if (update.apply(res, centers)) {
        converged = true;
        break;
      }
    }

    // One full pass for every row's label, distance and the true inertia.
    int ni = Math.toIntExact(n);
    int[] labels = new int[ni];
    float[] dist = new float[ni];
    double inertia;
    try (Assignments asg = backend.newAssignments(n)) {
      backend.kmeansStep(full, centers, k, asg, res);
      asg.copyLabels(0, labels, 0, ni);
      asg.copyDistances(0, dist, 0, ni);
      inertia = res.inertia;
    }
    double[][] c2 = new double[k][d];
    for (int c = 0; c < k; c++) System.arraycopy(centers, c * d, c2[c], 0, d);
    KMeansParams asParams = KMeansParams.builder(k).init(p.init()).nInit(1).maxIter(steps).tol(0).seed(p.seed()).scale(p.scale())
        .log1p(p.log1p()).build();
    KMeansModel model = new KMeansModel(data.columns(), c2, scaling, inertia, steps, converged, n, asParams);
    return new KMeansResult(model, labels, dist, new double[] {inertia}, backend.info(), (System.nanoTime() - t0) / 1e9);
  }

  /** The given rows (and their weights) as a small heap dataset. */
  private static Dataset subset(Dataset x, long[] rows, float[] w) {
    int d = x.cols();
    float[] vals = new float[rows.length * d];
    float[] ws = w == null ? null : new float[rows.length];
    for (int i = 0; i < rows.length; i++) {
      x.matrix().copyRow(rows[i], vals, i * d);
      if (ws != null) ws[i] = w[(int) rows[i]];
    }
    Dataset s = Dataset.ofRowMajor(vals, rows.length, d);
    return ws == null ? s : s.withWeights(ws);
  }
}
