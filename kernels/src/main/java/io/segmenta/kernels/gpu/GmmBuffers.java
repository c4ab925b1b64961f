package io.segmenta.kernels.gpu;

import io.segmenta.kernels.GmmComponents;

/** The components of one pass on the device: centred means, precision factors, normalisers, moment pairs. */
final class GmmBuffers implements AutoCloseable {
  private final DeviceBuffer mu;
  private final DeviceBuffer pc;
  private final DeviceBuffer lnorm;
  private final DeviceBuffer pairs;
  private final int k;
  private final boolean full;
  private final int moments;

  GmmBuffers(Gpu gpu, GmmComponents g, GmmLayout layout, double[] mean) {
    k = g.k();
    full = g.form() == GmmComponents.Form.FULL;
    moments = layout.moments;
    DeviceBuffer a = null, b = null, c = null, e = null;
    try {
      a = gpu.upload(StepLayout.centredCentroids(g.means(), g.k(), g.d(), mean));
      b = gpu.upload(GmmLayout.toFloat(g.precisionCholesky()));
      c = gpu.upload(GmmLayout.toFloat(g.logNorm()));
      e = gpu.upload(layout.pairs);
    } catch (RuntimeException ex) {
      for (DeviceBuffer d : new DeviceBuffer[] {a, b, c, e}) if (d != null) d.close();
      throw ex;
    }
    mu = a;
    pc = b;
    lnorm = c;
    pairs = e;
  }

  DeviceBuffer mu() {
    return mu;
  }

  DeviceBuffer pc() {
    return pc;
  }

  DeviceBuffer lnorm() {
    return lnorm;
  }

  DeviceBuffer pairs() {
    return pairs;
  }

  int k() {
    return k;
  }

  boolean full() {
    return full;
  }

  int moments() {
    return moments;
  }

  @Override
  public void close() {
    mu.close();
    pc.close();
    lnorm.close();
    pairs.close();
  }
}
