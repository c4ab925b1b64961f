package io.segmenta.kmeans;

import io.segmenta.preprocess.FeatureScaling;
import java.util.List;
import java.util.Objects;

/**
 * A fitted K-Means model: what {@code predict} and {@code transform} need, and what a model file
 * holds. Immutable.
 *
 * @param columns the input column names, in order
 * @param centroids k rows of d values, in the scaled feature space the model clusters in
 * @param scaling the fitted column scaling applied to input rows before distances are taken
 * @param inertia the (weighted) sum of squared distances of the training rows to their centroid,
 *     in the scaled space
 * @param iterations Lloyd iterations of the winning restart
 * @param converged whether the winning restart met the tolerance (or strict convergence) before
 *     {@code maxIter}
 * @param trainedRows rows the model was fitted on
 * @param params the parameters of the run
 */
public record KMeansModel(List<String> columns, double[][] centroids, FeatureScaling scaling, double inertia,
                          int iterations, boolean converged, long trainedRows, KMeansParams params) {

  public KMeansModel {
    columns = List.copyOf(columns);
    Objects.requireNonNull(scaling, "scaling");
    Objects.requireNonNull(params, "params");
    int d = columns.size();
    if (centroids.length < 1) throw new IllegalArgumentException("a model needs at least one centroid");
    double[][] copy = new double[centroids.length][];
    for (int c = 0; c < centroids.length; c++) {
      if (centroids[c].length != d) throw new IllegalArgumentException("centroid " + c + " has " + centroids[c].length + " values for " + d + " columns");
      for (double v : centroids[c]) {
        if (!Double.isFinite(v)) throw new IllegalArgumentException("centroid " + c + " is not finite");
      }
      copy[c] = centroids[c].clone();
    }
    centroids = copy;
    if (scaling.cols() != d) throw new IllegalArgumentException("scaling has " + scaling.cols() + " columns for " + d);
  }

  public int k() {
    return centroids.length;
  }

  public int d() {
    return columns.size();
  }

  /** A copy of the centroids in the scaled space. */
  @Override
  public double[][] centroids() {
    double[][] c = new double[centroids.length][];
    for (int i = 0; i < c.length; i++) c[i] = centroids[i].clone();
    return c;
  }

  /** Row-major {@code k * d} copy of the centroids in the scaled space. */
  public double[] centroidsFlat() {
    int d = d();
    double[] flat = new double[k() * d];
    for (int c = 0; c < k(); c++) System.arraycopy(centroids[c], 0, flat, c * d, d);
    return flat;
  }

  /** The centroids in the input's units (the scaling undone). */
  public double[][] centroidsInInputUnits() {
    double[][] c = new double[k()][];
    for (int i = 0; i < c.length; i++) c[i] = scaling.inverse(centroids[i]);
    return c;
  }
}
