package io.segmenta.cpu;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.kernels.Assignments;
import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;
import io.segmenta.kernels.HostMatrix;
import io.segmenta.kernels.KMeansStepResult;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Data larger than the heap budget is streamed chunk by chunk and gives the same bits as resident data. */
class StreamedMatrixTest {

  @ParameterizedTest(name = "vector={0}")
  @ValueSource(booleans = {true, false})
  void streamedEqualsResident(boolean vector) {
    int n = 3 * CpuBackend.CHUNK_ROWS + 123, d = 17, k = 9;
    SplittableRandom r = new SplittableRandom(3);
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian() * 5;
    float[] w = new float[n];
    for (int i = 0; i < n; i++) w[i] = (float) r.nextDouble(0.5, 2);
    double[] c = new double[k * d];
    for (int i = 0; i < c.length; i++) c[i] = r.nextGaussian() * 5;
    HostMatrix hm = HostMatrix.ofRowMajor(x, n, d);
    try (ComputeBackend resident = CpuBackendProvider.open(vector, 2, Long.MAX_VALUE);
         ComputeBackend streamed = CpuBackendProvider.open(vector, 2, 0)) {
      KMeansStepResult a = run(resident, hm, w, c, k);
      KMeansStepResult b = run(streamed, hm, w, c, k);
      assertArrayEquals(a.sums, b.sums);
      assertArrayEquals(a.counts, b.counts);
      assertEquals(a.inertia, b.inertia);
      float[] pa = new float[500 * k], pb = new float[500 * k];
      try (DeviceMatrix ma = resident.upload(hm, null); DeviceMatrix mb = streamed.upload(hm, null)) {
        resident.pairwiseSquaredDistances(ma, 4000, 500, c, k, pa);
        streamed.pairwiseSquaredDistances(mb, 4000, 500, c, k, pb);
      }
      assertArrayEquals(pa, pb);
    }
  }

  private static KMeansStepResult run(ComputeBackend be, HostMatrix hm, float[] w, double[] c, int k) {
    try (DeviceMatrix m = be.upload(hm, w); Assignments asg = be.newAssignments(hm.rows())) {
      KMeansStepResult res = new KMeansStepResult(k, hm.cols());
      be.kmeansStep(m, c, k, asg, res);
      be.kmeansStep(m, c, k, asg, res); // the incremental path on the second pass
      return res;
    }
  }
}
