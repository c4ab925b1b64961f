package io.segmenta.kmeans;

/**
 * Each row's segment and its squared Euclidean distance to that segment's centroid, in the model's
 * scaled space.
 *
 * @param labels 0-based segment of each row
 * @param squaredDistances squared distance of each row to its centroid
 */
public record Prediction(int[] labels, float[] squaredDistances) {}
