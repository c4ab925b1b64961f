package io.segmenta.kmeans;

import io.segmenta.kernels.BackendInfo;

/**
 * What a K-Means run returns: the model, and for each training row its segment and squared
 * distance to that segment's centroid.
 *
 * @param model the fitted model
 * @param labels segment of each training row, 0-based
 * @param distances squared Euclidean distance of each row to its centroid (scaled space)
 * @param restartInertias final inertia of each restart, in order; the model has the lowest
 * @param backend the backend the run used
 * @param seconds wall time of the run, upload and restarts included
 */
public record KMeansResult(KMeansModel model, int[] labels, float[] distances, double[] restartInertias,
                           BackendInfo backend, double seconds) {}
