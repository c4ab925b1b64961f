package io.segmenta.kernels.gpu;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.kernels.KMeansStepResult;
import org.junit.jupiter.api.Test;

/** The host side shared by the CUDA and OpenCL steps, without a device. */
class StepLayoutTest {

  @Test
  void partitionsCoverEveryRowOnce() {
    for (long n : new long[] {1, 255, 256, 257, 1_000_003, 100_000_000}) {
      StepLayout l = new StepLayout(n, 256, 100, 8 * 132);
      assertTrue((long) l.parts * l.rowsPerPart >= n && (long) (l.parts - 1) * l.rowsPerPart < n, "n=" + n);
      assertEquals(256 * 102, l.cells);
      assertEquals(l.cells + 1, l.stride);
    }
  }

  @Test
  void centringAndNormsAndUnpackRoundTrip() {
    int k = 2, d = 3;
    double[] mean = {10, 20, 30};
    float[] c = StepLayout.centredCentroids(new double[] {11, 22, 33, 9, 20, 30}, k, d, mean);
    assertArrayEquals(new float[] {1, 2, 3, -1, 0, 0}, c);
    assertArrayEquals(new float[] {14, 1}, StepLayout.norms(c, k, d));
    StepLayout l = new StepLayout(5, k, d, 4);
    // Cluster 0: centred sums (1, 1, 1), weight 2, count 2; cluster 1: (0, 0, 0), weight 3, count 3; inertia 7.
    double[] reduced = {1, 1, 1, 2, 2, 0, 0, 0, 3, 3, 7};
    KMeansStepResult r = new KMeansStepResult(k, d);
    l.unpack(reduced, mean, 4, r);
    assertArrayEquals(new double[] {21, 41, 61, 30, 60, 90}, r.sums, "sums moved back by weight x mean");
    assertArrayEquals(new double[] {2, 3}, r.weights);
    assertArrayEquals(new long[] {2, 3}, r.counts);
    assertEquals(7, r.inertia);
    assertEquals(4, r.changed);
  }
}
