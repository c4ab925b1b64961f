package io.segmenta.cpu;

import io.segmenta.kernels.GmmComponents;

/**
 * Components prepared for one pass: means moved into the chunk's coordinates (centred on the
 * backend's column means, when the kernels centre), factors and normalisers as given, in float64.
 */
record GmmPrepared(boolean full, int k, int d, double[] mu, double[] p, double[] logNorm) {

  static GmmPrepared of(GmmComponents g, double[] mean) {
    int k = g.k(), d = g.d();
    double[] mu = g.means().clone();
    for (int c = 0; c < k; c++) {
      for (int j = 0; j < d; j++) mu[c * d + j] -= mean[j];
    }
    return new GmmPrepared(g.form() == GmmComponents.Form.FULL, k, d, mu, g.precisionCholesky().clone(), g.logNorm().clone());
  }
}
