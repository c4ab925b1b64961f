package io.segmenta.metrics;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class MetricsTest {

  @Test
  void centroidIndexIsZeroForTheSameSetInAnyOrder() {
    double[][] a = {{0, 0}, {10, 0}, {0, 10}};
    double[][] b = {{0, 10.5}, {0.2, 0}, {9, 0}};
    assertEquals(0, CentroidIndex.of(a, b));
  }

  @Test
  void centroidIndexCountsMissedClusters() {
    // Truth has 4 clusters; the solution puts two centroids in one and none in the corner at (10,10).
    double[][] truth = {{0, 0}, {10, 0}, {0, 10}, {10, 10}};
    double[][] found = {{0, 0}, {10, 0}, {0, 10}, {0.5, 0.5}};
    assertEquals(1, CentroidIndex.of(truth, found));
    assertEquals(1, CentroidIndex.of(found, truth));
    // Two missed clusters.
    double[][] worse = {{0, 0}, {0.1, 0}, {0, 0.1}, {10, 0}};
    assertEquals(2, CentroidIndex.of(truth, worse));
  }

  @Test
  void centroidIndexHandlesDifferentSizes() {
    double[][] truth = {{0, 0}, {10, 0}, {0, 10}};
    double[][] fewer = {{0, 0}, {10, 0}};
    assertEquals(1, CentroidIndex.of(truth, fewer));
    assertThrows(IllegalArgumentException.class, () -> CentroidIndex.of(truth, new double[][] {{1, 2, 3}}));
  }

  @Test
  void adjustedRandIndexKnownAnswers() {
    // Values from scikit-learn's documentation of adjusted_rand_score.
    assertEquals(1.0, AdjustedRandIndex.of(new int[] {0, 0, 1, 1}, new int[] {0, 0, 1, 1}), 1e-12);
    assertEquals(1.0, AdjustedRandIndex.of(new int[] {0, 0, 1, 1}, new int[] {1, 1, 0, 0}), 1e-12);
    assertEquals(0.57, AdjustedRandIndex.of(new int[] {0, 0, 1, 2}, new int[] {0, 0, 1, 1}), 0.005);
    assertEquals(0.57, AdjustedRandIndex.of(new int[] {0, 0, 1, 1}, new int[] {0, 0, 1, 2}), 0.005);
    assertEquals(0.0, AdjustedRandIndex.of(new int[] {0, 0, 0, 0}, new int[] {0, 1, 2, 3}), 1e-12);
    assertEquals(-0.5, AdjustedRandIndex.of(new int[] {0, 0, 1, 1}, new int[] {0, 1, 0, 1}), 1e-12);
  }

  @Test
  void adjustedRandIndexExactFraction() {
    // a = {0,0,1,2}, b = {0,0,1,1}: index = 1, sumA = 1, sumB = 2, C(4,2) = 6, expected = 1/3,
    // max = 1.5, ARI = (1 - 1/3) / (1.5 - 1/3) = 4/7.
    assertEquals(4.0 / 7.0, AdjustedRandIndex.of(new int[] {0, 0, 1, 2}, new int[] {0, 0, 1, 1}), 1e-15);
  }

  @org.junit.jupiter.api.Test
  void inertiaIsTheWithinSegmentSumOfSquares() {
    // Segment means 1 and 11: every point is 1 away from its mean.
    io.segmenta.data.Dataset d = io.segmenta.data.Dataset.of(new float[][] {{0}, {2}, {10}, {12}});
    org.junit.jupiter.api.Assertions.assertEquals(4.0, ClusterScores.inertia(d, new int[] {0, 0, 1, 1}, 2), 0.0);
  }
}
