package io.segmenta.kernels.gpu;

import io.segmenta.kernels.GmmComponents;
import io.segmenta.kernels.GmmStepResult;

/**
 * How the GPU backends lay out one EM pass: the record each partition of rows writes (per
 * component: the weight, d first moments and the second moments of {@link #pairs}; then the
 * log-likelihood and the total weight), how rows are cut into partitions and chunks, and how the
 * reduced record becomes a {@link GmmStepResult}. Shared by CUDA and OpenCL so both reduce in the
 * same order.
 */
public final class GmmLayout {
  /** Rows per pass of the responsibility buffer (k floats per row stay on the device). */
  public static final int MAX_CHUNK_ROWS = 1 << 20;
  static final int MIN_ROWS_PER_PART = 256;

  public final GmmComponents.Form form;
  public final int k;
  public final int d;
  /** Second moments per component. */
  public final int moments;
  /** Doubles per partition record. */
  public final int stride;
  /** Column pairs (a, b) of the second moments, flattened: FULL a <= b; DIAG (j, j). */
  public final int[] pairs;

  public GmmLayout(GmmComponents g) {
    this.form = g.form();
    this.k = g.k();
    this.d = g.d();
    this.moments = g.momentsPerComponent();
    this.stride = Math.addExact(Math.multiplyExact(k, 1 + d + moments), 2);
    pairs = new int[2 * moments];
    int t = 0;
    for (int a = 0; a < d; a++) {
      if (form == GmmComponents.Form.FULL) {
        for (int b = a; b < d; b++) {
          pairs[2 * t] = a;
          pairs[2 * t + 1] = b;
          t++;
        }
      } else {
        pairs[2 * t] = a;
        pairs[2 * t + 1] = a;
        t++;
      }
    }
  }

  /** Partitions for a chunk of {@code rows} rows, at most {@code maxParts}. */
  public static int partsFor(int rows, int maxParts) {
    return Math.max(1, Math.min(maxParts, (rows + MIN_ROWS_PER_PART - 1) / MIN_ROWS_PER_PART));
  }

  public static int rowsPerPart(int rows, int parts) {
    return (rows + parts - 1) / parts;
  }

  public static float[] toFloat(double[] v) {
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) out[i] = (float) v[i];
    return out;
  }

  /** Fills {@code out} from the reduced record; moments are about {@code mean}. */
  public void unpack(double[] reduced, double[] mean, GmmStepResult out) {
    out.reset(form, k, d);
    int per = 1 + d + moments;
    for (int c = 0; c < k; c++) {
      int o = c * per;
      out.weights[c] = reduced[o];
      System.arraycopy(reduced, o + 1, out.sums, c * d, d);
      for (int t = 0; t < moments; t++) {
        double v = reduced[o + 1 + d + t];
        int a = pairs[2 * t], b = pairs[2 * t + 1];
        if (form == GmmComponents.Form.FULL) {
          out.squares[(c * d + a) * d + b] = v;
          out.squares[(c * d + b) * d + a] = v;
        } else {
          out.squares[c * d + a] = v;
        }
      }
    }
    out.logLikelihood = reduced[k * per];
    out.totalWeight = reduced[k * per + 1];
    System.arraycopy(mean, 0, out.origin, 0, d);
  }
}
