package io.segmenta.kernels.gpu;

import io.segmenta.kernels.HostMatrix;

/**
 * The host-side preparation both GPU backends share: rows centred on the column means and laid out
 * column-major (the kernels read {@code x[j * rows + i]}), and the argument checks of the contract.
 */
public final class Staging {
  private Staging() {}

  /** Rows [start, start + rows) of {@code src}, centred, column-major into {@code out[0 .. rows * d)}. */
  public static void columnMajor(HostMatrix src, long start, int rows, double[] mean, float[] out) {
    int d = src.cols();
    float[] rowMajor = new float[rows * d];
    src.copyRows(start, rows, rowMajor, 0);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < d; j++) out[j * rows + i] = (float) (rowMajor[i * d + j] - mean[j]);
    }
  }

  public static void checkCentres(double[] centres, int m, int d, String what) {
    if (m < 1 || centres.length != (long) m * d) {
      throw new IllegalArgumentException(what + " has " + centres.length + " values, expected " + m + " x " + d);
    }
  }

  public static void checkRows(long from, int count, long rows, float[] out, int m) {
    checkRows(from, count, rows, out.length, m);
  }

  /** Rows {@code [from, from + count)} exist and {@code outLength} holds {@code count * m} values. */
  public static void checkRows(long from, int count, long rows, int outLength, int m) {
    if (from < 0 || count < 0 || from + count > rows) throw new IndexOutOfBoundsException("rows [" + from + ", " + (from + count) + ") of " + rows);
    if (outLength < (long) count * m) throw new IllegalArgumentException("out has " + outLength + " entries, needs " + (long) count * m);
  }

  /** The components have the matrix's number of columns. */
  public static void checkColumns(io.segmenta.kernels.GmmComponents g, int d) {
    if (g.d() != d) throw new IllegalArgumentException("components have " + g.d() + " columns, the matrix " + d);
  }
}
