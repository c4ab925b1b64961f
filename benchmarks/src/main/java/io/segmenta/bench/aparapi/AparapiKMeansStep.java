package io.segmenta.bench.aparapi;

import com.aparapi.Kernel;
import com.aparapi.Range;
import com.aparapi.device.Device;
import io.segmenta.kernels.KMeansStepResult;

/**
 * The K-Means step written in plain Java and translated to OpenCL by Aparapi: the assignment runs
 * on the device (one work-item per row, direct squared distances), the float64 sums, counts and
 * inertia on the host. Kept in the benchmarks module only, to measure it against the engine's JOCL
 * kernel on the same device (see RESULTS.md for the verdict).
 */
public final class AparapiKMeansStep implements AutoCloseable {
  private final AssignKernel kernel;
  private final Range range;
  private final int n;
  private final int d;

  /** Row-major data, uploaded once. */
  public AparapiKMeansStep(Device device, float[] x, int n, int d, int k) {
    this.n = n;
    this.d = d;
    kernel = new AssignKernel(x, new float[k * d], new int[n], new float[n], n, d, k);
    kernel.setExplicit(true);
    kernel.put(x);
    range = device.createRange(roundUp(n, 64), 64);
  }

  private static int roundUp(int v, int m) {
    return (v + m - 1) / m * m;
  }

  /** One step from {@code centroids} (row-major k x d); fills labels and {@code result}. */
  public void step(double[] centroids, int[] labels, KMeansStepResult result) {
    int k = result.k();
    for (int i = 0; i < centroids.length; i++) kernel.c[i] = (float) centroids[i];
    kernel.put(kernel.c);
    kernel.execute(range);
    kernel.get(kernel.labels);
    kernel.get(kernel.dist);
    result.reset(k, d);
    for (int i = 0; i < n; i++) {
      int l = kernel.labels[i];
      labels[i] = l;
      result.counts[l]++;
      result.weights[l] += 1;
      result.inertia += kernel.dist[i];
      for (int j = 0; j < d; j++) result.sums[l * d + j] += kernel.x[i * d + j];
    }
  }

  /** What Aparapi actually ran on (it falls back to a Java thread pool when OpenCL translation fails). */
  public String executionMode() {
    return String.valueOf(kernel.getTargetDevice()) + " / " + kernel.getExecutionMode();
  }

  @Override
  public void close() {
    kernel.dispose();
  }

  /** Aparapi translates this class's {@link #run} to OpenCL C. */
  static final class AssignKernel extends Kernel {
    final float[] x;
    final float[] c;
    final int[] labels;
    final float[] dist;
    final int n;
    final int d;
    final int k;

    AssignKernel(float[] x, float[] c, int[] labels, float[] dist, int n, int d, int k) {
      this.x = x;
      this.c = c;
      this.labels = labels;
      this.dist = dist;
      this.n = n;
      this.d = d;
      this.k = k;
    }

    @Override
    public void run() {
      int i = getGlobalId();
      if (i < n) {
        float best = 3.4e38f;
        int bi = 0;
        for (int q = 0; q < k; q++) {
          float s = 0f;
          for (int j = 0; j < d; j++) {
            float diff = x[i * d + j] - c[q * d + j];
            s += diff * diff;
          }
          if (s < best) {
            best = s;
            bi = q;
          }
        }
        labels[i] = bi;
        dist[i] = best;
      }
    }
  }
}
